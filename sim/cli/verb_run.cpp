// `run` and `validate`: one scenario, its outputs, and what it means in one screen.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <optional>
#include <stdexcept>
#include <thread>

#include "analysis/io/atomic_file.hpp"
#include "analysis/report/baseline_comparison.hpp"
#include "analysis/report/study_report.hpp"
#include "analysis/report/summary_json.hpp"
#include "models/scenario/loader.hpp"
#include "sim/cli/memory_guard.hpp"
#include "sim/cli/output_guard.hpp"
#include "sim/cli/progress.hpp"
#include "sim/cli/scenario_input.hpp"
#include "sim/cli/verb_common.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/run.hpp"
#include "sim/study/bounds.hpp"
#include "sim/study/cost.hpp"
#include "sim/study/memory_estimate.hpp"
#include "sim/study/output_estimate.hpp"
#include "sim/study/replications.hpp"

namespace p2pcdn::cli {

int verb_validate(const Args& args) {
  if (args.positional.size() != 1) throw std::invalid_argument("validate needs one SCENARIO file");
  const models::LoadResult loaded = load_and_report(args.positional[0], args.sets);
  const auto& errors = loaded.errors;
  if (!errors.empty()) {
    std::fprintf(stderr, "%zu error%s\n", errors.size(), errors.size() == 1 ? "" : "s");
    return 1;
  }
  std::printf("%s: valid\n", args.positional[0].c_str());
  // What a run of it would need (bench/scale/run reads this line).
  const sim::MemoryEstimate estimate = sim::estimate_memory(*loaded.scenario, 1);
  std::printf("memory estimate: %.0f MB for one run (%.0f peak viewers x ~%.1f KB)",
              estimate.bytes / 1e6, estimate.peak_viewers, estimate.bytes_per_viewer / 1e3);
  if (const auto available = available_memory_bytes())
    std::printf("; %.1f GB available here", static_cast<double>(*available) / 1e9);
  std::printf("\n");
  return 0;
}

namespace {

void print_key_figures(const sim::RunOutcome& outcome) {
  const auto& s = outcome.result.summary;
  std::printf("  offload            %.1f %%  (peer bytes / all video bytes)\n", 100 * s.offload);
  {
    const std::uint64_t delivered = s.bytes_cdn + s.bytes_p2p + s.bytes_turn;
    const std::uint64_t wasted = s.wasted_cdn + s.wasted_p2p + s.wasted_turn;
    std::printf(
        "  wasted             %.1f %% of delivered bytes in transfers that never completed "
        "(CDN %.2f GB, peers %.2f GB)\n",
        delivered == 0 ? 0.0 : 100.0 * static_cast<double>(wasted) / static_cast<double>(delivered),
        static_cast<double>(s.wasted_cdn) / 1e9,
        static_cast<double>(s.wasted_p2p + s.wasted_turn) / 1e9);
  }
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
  std::printf("  run                %.1f s wall, %.0f MB peak memory, %llu events",
              outcome.info.run.wall_time_s,
              static_cast<double>(outcome.info.run.peak_rss_bytes) / 1e6,
              static_cast<unsigned long long>(outcome.info.events_processed));
  if (outcome.info.run.partitions > 1) {
    std::printf(" (%u partitions by region on %u threads", outcome.info.run.partitions,
                outcome.info.run.threads);
    // Which partition bounded the wall time, and how much of the cores the others left idle.
    const auto& parts = outcome.info.run.partition_runs;
    if (!parts.empty() && parts.size() <= 4) {
      const char* sep = ": ";
      for (const auto& p : parts) {
        std::printf("%s%s %.1f s", sep, p.regions.c_str(), p.wall_s);
        sep = ", ";
      }
    }
    if (!parts.empty()) std::printf("; %.2f cores busy", outcome.info.run.cores_busy());
    std::printf(")");
  }
  std::printf("\n");
  if (outcome.info.run.memory_viewers > 0) {
    const double lists = outcome.info.run.memory_neighbour_list_bytes_per_viewer;
    std::printf(
        "  memory             %.0f B per live viewer: %.0f B + %.0f B of neighbour lists (at "
        "%llu viewers; by component in summary.json run.memory)\n",
        outcome.info.run.memory_bytes_per_viewer, outcome.info.run.memory_bytes_per_viewer - lists,
        lists, static_cast<unsigned long long>(outcome.info.run.memory_viewers));
  }
}

}  // namespace

namespace {

void print_bounds_and_cost(const analysis::BoundsFigures& b, const analysis::CostFigures& c) {
  std::printf(
      "  offload bounds     max-flow %.1f %% (efficiency %.1f %%), fluid %.1f %% "
      "(efficiency %.1f %%), store-and-forward %.1f %% (efficiency %.1f %%)\n",
      100 * b.max_flow_offload, 100 * b.max_flow_efficiency, 100 * b.fluid_offload,
      100 * b.fluid_efficiency, 100 * b.store_forward_offload, 100 * b.store_forward_efficiency);
  std::printf("  cost               $%.2f (CDN $%.2f + TURN $%.2f), saving $%.2f (%.1f %%) vs %s\n",
              c.total_usd, c.cdn_usd, c.turn_usd, c.saving_usd, 100 * c.saving_fraction,
              c.baseline.c_str());
  std::printf("  CDN 95th pct 5-min %.3f Gbit/s (baseline %.3f Gbit/s)\n", c.cdn_p95_5min_gbps,
              c.baseline_p95_5min_gbps);
}

// The planner's table: the CDN-only run's figures beside this run's, the saving split, and the
// warnings (on stderr).
void print_with_without(const analysis::BaselineComparison& c) {
  const analysis::DeliverySide& o = c.without_p2p;
  const analysis::DeliverySide& w = c.with_p2p;
  std::printf("  without / with P2P CDN peak %.3f / %.3f Gbit/s, p95 %.3f / %.3f Gbit/s\n",
              o.cdn_peak_gbps, w.cdn_peak_gbps, o.cdn_p95_gbps, w.cdn_p95_gbps);
  std::printf(
      "                     bitrate %.0f / %.0f kbit/s, rebuffering %.3f / %.3f %%, stalled "
      "%.2f / %.2f %%, start-up p50 %.3f / %.3f s\n",
      o.avg_bitrate_kbps_mean, w.avg_bitrate_kbps_mean, 100 * o.rebuffering_ratio_mean,
      100 * w.rebuffering_ratio_mean, 100 * o.stalled_share, 100 * w.stalled_share, o.startup_s_p50,
      w.startup_s_p50);
  std::printf(
      "  CDN saving         %.1f %% = %.1f %% bytes peers carried + %.1f %% bytes not delivered\n",
      100 * c.saving_fraction, 100 * c.peer_fraction, 100 * c.not_delivered_fraction);
  for (const auto& warning : c.warnings) std::fprintf(stderr, "warning: %s\n", warning.c_str());
}

// The CDN-only run of the same audience (--baseline): same scenario, seed, p2p off. Nothing
// (nullopt) if it was stopped before the end: a partial baseline would make a wrong saving.
std::optional<analysis::Summary> baseline_summary(const Args& args, std::uint64_t seed,
                                                  const std::atomic<bool>& stop) {
  std::vector<std::string> sets = args.sets;
  sets.push_back("p2p.enabled=false");
  const LoadedScenario loaded = load_or_explain(args.positional[0], sets);
  sim::RunRequest request;
  request.scenario_path = args.positional[0];
  request.seed = seed;
  request.stop = &stop;
  if (!args.quiet) std::fprintf(stderr, "baseline: CDN-only run (p2p.enabled=false)...\n");
  sim::RunOutcome outcome = sim::run_once(loaded.scenario, request);
  if (outcome.result.partial) return std::nullopt;
  return std::move(outcome.result.summary);
}

// The baseline of a single run, on a second core while the main run goes on (the two runs share
// nothing, so each result is what it would be alone). Its stop flag follows the user's (relayed
// from the main run's progress callback and while waiting) and is raised when the main run ends
// early or fails, so that nobody waits for a baseline that will not be used.
class ConcurrentBaseline {
 public:
  ConcurrentBaseline(const Args& args, std::uint64_t seed, const std::atomic<bool>& user_stop)
      : user_stop_(user_stop) {
    result_ = std::async(std::launch::async,
                         [&args, seed, this] { return baseline_summary(args, seed, stop_); });
  }
  ConcurrentBaseline(const ConcurrentBaseline&) = delete;
  ConcurrentBaseline& operator=(const ConcurrentBaseline&) = delete;
  ~ConcurrentBaseline() {
    if (result_.valid()) {
      stop_.store(true);
      result_.wait();
    }
  }
  void relay_stop() {
    if (user_stop_.load(std::memory_order_relaxed)) stop_.store(true, std::memory_order_relaxed);
  }
  void abandon() { stop_.store(true); }
  std::optional<analysis::Summary> get() {
    while (result_.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      relay_stop();
    }
    return result_.get();
  }

 private:
  const std::atomic<bool>& user_stop_;
  std::atomic<bool> stop_{false};
  std::future<std::optional<analysis::Summary>> result_;
};

// Outputs of one run with the bounds and cost: the usual three files, then summary.json again
// with the "bounds" and "cost" objects (sim::write_run_outputs writes it without them).
void write_outputs_with_extras(const std::filesystem::path& out, const models::Scenario& scenario,
                               const sim::RunOutcome& outcome,
                               const analysis::BoundsFigures& bounds,
                               const analysis::CostFigures& cost,
                               const analysis::BaselineComparison* baseline) {
  std::vector<analysis::ReportSection> sections = analysis::bounds_cost_sections(&bounds, &cost);
  if (baseline != nullptr) sections.push_back(analysis::baseline_section(*baseline));
  sim::write_run_outputs(out, scenario, outcome, sections);
  analysis::SummaryExtras extras;
  extras.bounds = bounds;
  extras.cost = cost;
  if (baseline != nullptr) extras.baseline = analysis::baseline_to_json(*baseline);
  analysis::write_summary_json(out / "summary.json", outcome.result.summary, outcome.info, extras);
}

// The files of one run, summary.json committed last.
analysis::io::OutputSet run_output_set(const models::Scenario& scenario,
                                       const sim::RunOutcome& outcome,
                                       const analysis::BoundsFigures& bounds,
                                       const analysis::CostFigures& cost,
                                       const analysis::BaselineComparison* baseline) {
  // The set outlives this call: it holds pointers to the caller's objects, not to parameters.
  return {{"timeseries.csv", "timeseries_pops.csv", "report.html", "summary.json"},
          [scenario = &scenario, outcome = &outcome, bounds = &bounds, cost = &cost,
           baseline](const std::filesystem::path& dir) {
            write_outputs_with_extras(dir, *scenario, *outcome, *bounds, *cost, baseline);
          }};
}

// Replications simulated at the same time: one per thread, at most as many as there are.
unsigned replications_at_once(const Args& args) {
  const std::size_t count = *args.replications == "auto"
                                ? static_cast<std::size_t>(std::max(1, args.max_replications))
                                : std::max<std::size_t>(1, std::stoul(*args.replications));
  return runs_at_once(args.threads, count);
}

constexpr const char* kKeptTimeseries = "replications_timeseries.csv";

int run_replicated(const Args& args, const LoadedScenario& loaded, std::uint64_t seed,
                   const std::filesystem::path& out, const std::atomic<bool>& stop) {
  study::ReplicationOptions options;
  options.scenario_path = args.positional[0];
  options.base_seed = seed;
  options.threads = static_cast<unsigned>(args.threads);
  options.stop = &stop;
  options.max_replications = static_cast<std::size_t>(args.max_replications);
  if (*args.replications == "auto") {
    options.auto_target = parse_target(args.target_metric.value_or("offload=0.005"));
  } else {
    if (args.target_metric)
      throw std::invalid_argument("--target only applies with --replications auto");
    options.replications = std::stoul(*args.replications);
  }
  options.on_done = progress_printer(args.quiet, "replication");
  options.keep_timeseries = args.keep_replications;
  const study::ReplicationSet set = study::run_replications(loaded.scenario, options);
  const sim::RunOutcome& first = *set.first;

  analysis::CostFigures cost = set.runs.front().cost;
  std::optional<analysis::BaselineComparison> comparison;
  if (args.baseline) {
    const std::optional<analysis::Summary> base = baseline_summary(args, seed, stop);
    if (base) {
      cost = study::compute_cost(first.result.summary, &*base);
      comparison = analysis::compare_with_baseline(first.result.summary, *base);
    }
  }
  analysis::io::OutputSet outputs = run_output_set(loaded.scenario, first, set.runs.front().bounds,
                                                   cost, comparison ? &*comparison : nullptr);
  outputs.files.insert(outputs.files.begin(), {"replications.json", "replications.csv"});
  if (args.keep_replications) outputs.files.insert(outputs.files.begin() + 2, kKeptTimeseries);
  outputs.write = [&, write_run = outputs.write](const std::filesystem::path& dir) {
    write_run(dir);
    analysis::io::write_file_atomic(dir / "replications.json",
                                    analysis::io::dump(study::replications_to_json(
                                        set, loaded.scenario.name, args.positional[0])));
    analysis::io::write_file_atomic(dir / "replications.csv", study::replications_csv(set));
    if (args.keep_replications)
      analysis::io::write_file_atomic(dir / kKeptTimeseries,
                                      study::replications_timeseries_csv(set));
  };

  std::printf("%s: %zu replications (seeds %llu..%llu)%s\n", loaded.scenario.name.c_str(),
              set.runs.size(), static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed + set.runs.size() - 1),
              options.auto_target
                  ? (set.target_reached ? "  [target half-width reached]"
                                        : "  [cap reached before the target half-width]")
                  : "");
  std::fputs(replications_table(set.stats).c_str(), stdout);
  if (const std::size_t cut = set.runs.size() - study::whole_runs(set.runs).size(); cut > 0)
    std::printf("  [PARTIAL: %zu replication(s) stopped early, left out of the statistics]\n", cut);
  // After the figures: were no place to take the files, the figures are still on screen.
  std::fflush(stdout);
  const analysis::io::Delivery delivery = deliver(out, outputs);
  std::printf(
      "  outputs: %s/{summary.json, timeseries.csv, timeseries_pops.csv, report.html} (seed %llu), "
      "replications.json, replications.csv%s\n",
      delivery.dir.string().c_str(), static_cast<unsigned long long>(seed),
      args.keep_replications ? ", replications_timeseries.csv" : "");
  std::size_t violations = 0;
  bool partial = false;
  for (const auto& r : set.runs) {
    violations += r.violations;
    partial = partial || r.partial;
  }
  if (violations > 0) {
    std::fprintf(stderr, "invariant violated in %zu place(s); see the single runs\n", violations);
    return 3;
  }
  return exit_status(partial ? 130 : 0, delivery);
}

}  // namespace

int verb_run(const Args& args, const std::atomic<bool>& stop) {
  if (args.positional.size() != 1) throw std::invalid_argument("run needs one SCENARIO file");
  const LoadedScenario loaded = load_or_explain(args.positional[0], args.sets);
  const std::uint64_t seed = args.seed.value_or(loaded.scenario.run.seed);
  const std::filesystem::path out = args.out ? std::filesystem::path(*args.out)
                                             : std::filesystem::path("out") / loaded.scenario.name;
  if (args.replications) {
    const std::size_t planned = *args.replications == "auto"
                                    ? static_cast<std::size_t>(std::max(1, args.max_replications))
                                    : std::stoul(*args.replications);
    check_memory(args.positional[0], loaded.scenario, replications_at_once(args), args.memory_check,
                 args.quiet);
    const auto out_lock = check_output_dir(
        out, sim::estimate_run_output_bytes(loaded.scenario) +
                 sim::estimate_replications_output_bytes(planned) +
                 (args.keep_replications ? planned * sim::estimate_timeseries_bytes(loaded.scenario)
                                         : 0));
    return run_replicated(args, loaded, seed, out, stop);
  }
  if (args.target_metric)
    throw std::invalid_argument("--target only applies with --replications auto");
  if (args.keep_replications)
    throw std::invalid_argument(
        "--keep-replications only applies with --replications (one run writes its "
        "timeseries.csv anyway)");

  // --baseline runs on another core at the same time unless told to use one thread.
  const bool concurrent_baseline =
      args.baseline && args.threads != 1 && std::thread::hardware_concurrency() > 1;
  check_memory(args.positional[0], loaded.scenario, concurrent_baseline ? 2 : 1, args.memory_check,
               args.quiet);
  // Last of the checks: it creates the directory, which a refused run should not leave.
  const auto out_lock = check_output_dir(out, sim::estimate_run_output_bytes(loaded.scenario));
  Progress progress(loaded.scenario.name, loaded.scenario.run.duration_s, !args.quiet);
  std::optional<ConcurrentBaseline> concurrent;
  if (concurrent_baseline) concurrent.emplace(args, seed, stop);
  sim::RunRequest request;
  request.scenario_path = args.positional[0];
  request.seed = seed;
  request.stop = &stop;
  request.trace_viewer = args.trace_viewer;
  request.threads = static_cast<unsigned>(args.threads);
  request.progress = [&progress, &concurrent](double t, std::uint64_t events,
                                              std::uint64_t viewers) {
    progress.update(t, events, viewers);
    if (concurrent) concurrent->relay_stop();
  };
  const sim::RunOutcome outcome = sim::run_once(loaded.scenario, request);
  progress.finish(outcome.result.simulated_s, outcome.info.events_processed,
                  outcome.result.partial);
  if (concurrent && outcome.result.partial) concurrent->abandon();
  const analysis::BoundsFigures bounds = study::compute_bounds(outcome.result).figures;
  std::optional<analysis::Summary> base;
  if (concurrent) {
    base = concurrent->get();
  } else if (args.baseline && !outcome.result.partial) {
    base = baseline_summary(args, seed, stop);
  }
  if (outcome.result.partial) base.reset();
  if (args.baseline && !outcome.result.partial && !base) {
    std::fprintf(stderr, "baseline: stopped before its end; saving against the counterfactual\n");
  }
  const analysis::CostFigures cost =
      study::compute_cost(outcome.result.summary, base ? &*base : nullptr);
  std::optional<analysis::BaselineComparison> comparison;
  if (base) comparison = analysis::compare_with_baseline(outcome.result.summary, *base);

  std::printf("%s (seed %llu)%s\n", loaded.scenario.name.c_str(),
              static_cast<unsigned long long>(seed), partial_label(outcome).c_str());
  print_key_figures(outcome);
  print_bounds_and_cost(bounds, cost);
  if (comparison) print_with_without(*comparison);
  for (const auto& warning : outcome.info.warnings)
    std::fprintf(stderr, "warning: %s\n", warning.c_str());
  if (std::getenv("P2PCDN_DEBUG")) {
    const auto& h = outcome.result.host;
    std::printf(
        "  host: msgs %llu dropped %llu malformed %llu http %llu p2p %llu cancelled %llu delivered "
        "%llu conns %llu/%llu\n",
        (unsigned long long)h.messages_delivered, (unsigned long long)h.messages_dropped,
        (unsigned long long)h.malformed_messages, (unsigned long long)h.http_transfers,
        (unsigned long long)h.p2p_transfers, (unsigned long long)h.transfers_cancelled,
        (unsigned long long)h.segments_delivered, (unsigned long long)h.connections_made,
        (unsigned long long)h.connection_attempts);
  }
  // After the figures: were no place to take the files, the figures are still on screen.
  std::fflush(stdout);
  const analysis::io::Delivery delivery = deliver(
      out,
      run_output_set(loaded.scenario, outcome, bounds, cost, comparison ? &*comparison : nullptr));
  std::printf(
      "  outputs            %s/{summary.json, timeseries.csv, timeseries_pops.csv, "
      "report.html}\n",
      delivery.dir.string().c_str());
  if (!outcome.result.violations.empty()) {
    for (const auto& v : outcome.result.violations)
      std::fprintf(stderr, "invariant violated: %s\n", v.what.c_str());
    return 3;
  }
  return exit_status(outcome.result.partial ? 130 : 0, delivery);
}

}  // namespace p2pcdn::cli
