// `bound`: simulates the scenario once and prints the offload bounds beside the achieved
// offload (the bounds need the run's per-interval swarms: who watches which rendition, with
// which NAT and upload, is decided by the players during the run).
#include <cstdio>
#include <stdexcept>

#include "sim/cli/progress.hpp"
#include "sim/cli/scenario_input.hpp"
#include "sim/cli/verb_common.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/run.hpp"
#include "sim/study/bounds.hpp"

namespace p2pcdn::cli {

int verb_bound(const Args& args, const std::atomic<bool>& stop) {
  if (args.positional.size() != 1) throw std::invalid_argument("bound needs one SCENARIO file");
  const LoadedScenario loaded = load_or_explain(args.positional[0], args.sets);
  const std::uint64_t seed = args.seed.value_or(loaded.scenario.run.seed);
  Progress progress(loaded.scenario.name, loaded.scenario.run.duration_s, !args.quiet);
  sim::RunRequest request;
  request.scenario_path = args.positional[0];
  request.seed = seed;
  request.stop = &stop;
  request.progress = [&progress](double t, std::uint64_t events, std::uint64_t viewers) {
    progress.update(t, events, viewers);
  };
  const sim::RunOutcome outcome = sim::run_once(loaded.scenario, request);
  progress.finish(outcome.result.simulated_s, outcome.info.events_processed,
                  outcome.result.partial);
  const analysis::BoundsFigures b = study::compute_bounds(outcome.result).figures;
  std::printf("%s (seed %llu, policy %s)%s\n", loaded.scenario.name.c_str(),
              static_cast<unsigned long long>(seed), outcome.info.policy.c_str(),
              partial_label(outcome).c_str());
  std::printf("  %-34s %10s %12s\n", "offload", "value", "efficiency");
  std::printf("  %-34s %9.2f %%\n", "achieved", 100 * b.achieved_offload);
  std::printf("  %-34s %9.2f %% %11.1f %%\n", "max-flow bound (NAT connectivity)",
              100 * b.max_flow_offload, 100 * b.max_flow_efficiency);
  std::printf("  %-34s %9.2f %% %11.1f %%\n", "fluid bound", 100 * b.fluid_offload,
              100 * b.fluid_efficiency);
  std::printf("  %-34s %9.2f %% %11.1f %%\n", "store-and-forward bound (deadlines)",
              100 * b.store_forward_offload, 100 * b.store_forward_efficiency);
  std::printf(
      "  demand %.4g GB over %llu intervals, of which %.4g GB from viewers without WebRTC\n",
      b.demand_bytes / 1e9, static_cast<unsigned long long>(b.intervals),
      b.non_webrtc_demand_bytes / 1e9);
  return outcome.result.partial ? 130 : 0;
}

}  // namespace p2pcdn::cli
