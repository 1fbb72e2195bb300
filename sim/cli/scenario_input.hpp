// Loading a scenario for a verb: all errors printed as file:line:col, then a throw.
#pragma once
#include <string>
#include <vector>

#include "analysis/report/report_html.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/run.hpp"

namespace p2pcdn::cli {

struct LoadedScenario {
  models::Scenario scenario;
};

// Prints every error of the file to stderr and throws when there is any.
LoadedScenario load_or_explain(const std::string& path, const std::vector<std::string>& sets);

// The report sections beyond the metrics: bounds, cost (empty when not computable).
std::vector<analysis::ReportSection> extra_sections(const models::Scenario& scenario,
                                                    const sim::RunOutcome& outcome);

}  // namespace p2pcdn::cli
