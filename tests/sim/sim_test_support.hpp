// Shared helpers of the end-to-end simulator tests: load a scenario file with --set style
// overrides and run it once, keeping every viewer outcome for per-viewer checks.
// Test-only: never used by the simulator itself.
#pragma once
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/metrics/collector.hpp"
#include "models/scenario/loader.hpp"
#include "sim/host/simulation.hpp"

namespace p2pcdn::sim::testing {

inline std::string scenario_path(const std::string& name) {
  return std::string(P2PCDN_SOURCE_DIR) + "/scenarios/" + name;
}

// Loads scenarios/<name> with overrides; fails the test (and throws) on a load error.
inline models::Scenario load(const std::string& name, const std::vector<std::string>& overrides) {
  const models::LoadResult loaded = models::load_scenario(scenario_path(name), overrides);
  std::string errors;
  for (const auto& e : loaded.errors) errors += models::format_error(e) + "\n";
  if (!loaded.scenario) throw std::runtime_error("scenario did not load:\n" + errors);
  return *loaded.scenario;
}

// The small, fast base most tests start from: smoke.yaml for 2 minutes at 300 peak viewers.
inline std::vector<std::string> small(std::vector<std::string> more = {}) {
  std::vector<std::string> o = {"run.duration_s=120", "audience.concurrency.peak_viewers=300"};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

struct Run {
  SimulationResult result;
  std::vector<analysis::ViewerOutcome> outcomes;
};

inline Run run(const models::Scenario& scenario, std::uint64_t seed,
               const std::atomic<bool>* stop = nullptr,
               std::function<void(double, std::uint64_t, std::uint64_t)> progress = {}) {
  Run r;
  SimulationOptions options;
  options.seed = seed;
  options.stop = stop;
  options.progress = std::move(progress);
  options.on_viewer_outcome = [&r](const analysis::ViewerOutcome& o) { r.outcomes.push_back(o); };
  r.result = simulate(scenario, options);
  return r;
}

inline Run run(const models::Scenario& scenario) { return run(scenario, scenario.run.seed); }

inline std::string violations_text(const SimulationResult& result) {
  std::string text;
  for (const auto& v : result.violations) text += v.what + "\n";
  return text;
}

}  // namespace p2pcdn::sim::testing
