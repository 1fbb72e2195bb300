// Loading a scenario for a verb: all errors printed as file:line:col, then a throw.
#pragma once
#include <string>
#include <vector>

#include "analysis/report/report_html.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/run.hpp"

namespace p2pcdn::cli {

struct LoadedScenario {
  models::Scenario scenario;
};

// Loads with every check a run makes (the scenario's rules and sim/host/run_checks.hpp) and
// prints the notices and errors (format_errors) to stderr: `validate` and the running verbs
// share it, so a file `validate` accepts is one `run` accepts.
models::LoadResult load_and_report(const std::string& path, const std::vector<std::string>& sets);

// load_and_report, then throws when there is any error.
LoadedScenario load_or_explain(const std::string& path, const std::vector<std::string>& sets);

// The report sections beyond the metrics: bounds, cost (empty when not computable).
std::vector<analysis::ReportSection> extra_sections(const models::Scenario& scenario,
                                                    const sim::RunOutcome& outcome);

}  // namespace p2pcdn::cli
