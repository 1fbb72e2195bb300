// `run` and `validate`: one scenario, its outputs, and what it means in one screen.
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "models/scenario/loader.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/scenario_input.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/run.hpp"

namespace p2pcdn::cli {

int verb_validate(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("validate needs one SCENARIO file");
  const auto errors = models::validate_scenario_file(args.positional[0], args.sets);
  for (const auto& error : errors) std::fprintf(stderr, "%s\n", models::format_error(error).c_str());
  if (!errors.empty()) {
    std::fprintf(stderr, "%zu error%s\n", errors.size(), errors.size() == 1 ? "" : "s");
    return 1;
  }
  std::printf("%s: valid\n", args.positional[0].c_str());
  return 0;
}

namespace {

void print_key_figures(const sim::RunOutcome& outcome) {
  const auto& s = outcome.result.summary;
  std::printf("  offload            %.1f %%  (peer bytes / all video bytes)\n", 100 * s.offload);
  std::printf("  CDN egress         peak %.3f Gbit/s, p95 %.3f Gbit/s, %.2f TB served\n",
              s.cdn.peak_gbps, s.cdn.p95_gbps, static_cast<double>(s.bytes_cdn) / 1e12);
  std::printf("  viewers            %llu sessions, peak %llu concurrent\n",
              static_cast<unsigned long long>(s.viewers),
              static_cast<unsigned long long>(s.peak_concurrency));
  std::printf("  rebuffering ratio  mean %.4f, p90 %.4f, p99 %.4f; %.1f %% of viewers stalled\n",
              s.rebuffering_ratio.mean, s.rebuffering_ratio.p90, s.rebuffering_ratio.p99,
              std::isnan(s.stalled_share) ? 0.0 : 100 * s.stalled_share);
  std::printf("  start-up time      p50 %.2f s, p90 %.2f s\n", s.startup_s.p50, s.startup_s.p90);
  std::printf("  average bitrate    mean %.0f kbit/s\n", s.avg_bitrate_kbps.mean);
  std::printf("  run                %.1f s wall, %.0f MB peak memory, %llu events\n",
              outcome.info.run.wall_time_s,
              static_cast<double>(outcome.info.run.peak_rss_bytes) / 1e6,
              static_cast<unsigned long long>(outcome.info.events_processed));
}

}  // namespace

int verb_run(const Args& args, const std::atomic<bool>& stop) {
  if (args.positional.size() != 1) throw std::invalid_argument("run needs one SCENARIO file");
  const LoadedScenario loaded = load_or_explain(args.positional[0], args.sets);
  const std::uint64_t seed = args.seed.value_or(loaded.scenario.run.seed);
  const std::filesystem::path out =
      args.out ? std::filesystem::path(*args.out) : std::filesystem::path("out") / loaded.scenario.name;

  Progress progress(loaded.scenario.name, loaded.scenario.run.duration_s, !args.quiet);
  sim::RunRequest request;
  request.scenario_path = args.positional[0];
  request.seed = seed;
  request.stop = &stop;
  request.trace_viewer = args.trace_viewer;
  request.progress = [&progress](double t, std::uint64_t events, std::uint64_t viewers) {
    progress.update(t, events, viewers);
  };
  const sim::RunOutcome outcome = sim::run_once(loaded.scenario, request);
  progress.finish(outcome.result.simulated_s, outcome.info.events_processed, outcome.result.partial);
  sim::write_run_outputs(out, loaded.scenario, outcome, extra_sections(loaded.scenario, outcome));

  std::printf("%s (seed %llu)%s\n", loaded.scenario.name.c_str(),
              static_cast<unsigned long long>(seed),
              outcome.result.partial ? "  [PARTIAL: stopped early]" : "");
  print_key_figures(outcome);
  if (std::getenv("P2PCDN_DEBUG")) {
    const auto& h = outcome.result.host;
    std::printf("  host: msgs %llu dropped %llu malformed %llu http %llu p2p %llu cancelled %llu delivered %llu conns %llu/%llu\n",
      (unsigned long long)h.messages_delivered, (unsigned long long)h.messages_dropped, (unsigned long long)h.malformed_messages,
      (unsigned long long)h.http_transfers, (unsigned long long)h.p2p_transfers, (unsigned long long)h.transfers_cancelled,
      (unsigned long long)h.segments_delivered, (unsigned long long)h.connections_made, (unsigned long long)h.connection_attempts);
  }
  std::printf("  outputs            %s/{summary.json, timeseries.csv, report.html}\n",
              out.string().c_str());
  if (!outcome.result.violations.empty()) {
    for (const auto& v : outcome.result.violations)
      std::fprintf(stderr, "invariant violated: %s\n", v.what.c_str());
    return 3;
  }
  return outcome.result.partial ? 130 : 0;
}

}  // namespace p2pcdn::cli
