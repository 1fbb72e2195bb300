#include "sim/cli/scenario_input.hpp"

#include <cstdio>
#include <stdexcept>

#include "analysis/report/study_report.hpp"
#include "models/scenario/loader.hpp"
#include "sim/host/run_checks.hpp"
#include "sim/study/bounds.hpp"
#include "sim/study/cost.hpp"

namespace p2pcdn::cli {

models::LoadResult load_and_report(const std::string& path, const std::vector<std::string>& sets) {
  models::LoadResult loaded = models::load_scenario(path, sets, sim::runnable_check());
  for (const auto& notice : loaded.notices)
    std::fprintf(stderr, "%s\n", models::format_error(notice).c_str());
  std::fputs(models::format_errors(loaded.errors).c_str(), stderr);
  return loaded;
}

LoadedScenario load_or_explain(const std::string& path, const std::vector<std::string>& sets) {
  auto loaded = load_and_report(path, sets);
  if (!loaded.errors.empty()) {
    throw std::invalid_argument(std::to_string(loaded.errors.size()) + " error" +
                                (loaded.errors.size() == 1 ? "" : "s") + " in " + path);
  }
  return LoadedScenario{std::move(*loaded.scenario)};
}

std::vector<analysis::ReportSection> extra_sections(const models::Scenario& scenario,
                                                    const sim::RunOutcome& outcome) {
  (void)scenario;
  const analysis::BoundsFigures bounds = study::compute_bounds(outcome.result).figures;
  const analysis::CostFigures cost = study::compute_cost(outcome.result.summary, nullptr);
  return analysis::bounds_cost_sections(&bounds, &cost);
}

}  // namespace p2pcdn::cli
