// Independent replications of one scenario (seeds seed, seed+1, ...) run in parallel on plain
// std::threads, each an independent simulation; results are kept in seed order so they never
// depend on the thread count. Also the per-metric Student-t summary and the sequential
// `--replications auto` loop. Must never share mutable state between replications.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/stats/confidence.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/run.hpp"
#include "sim/study/bounds.hpp"
#include "sim/study/metrics.hpp"

namespace p2pcdn::study {

// One replication, everything the verbs need from it.
struct ReplicationResult {
  std::uint64_t seed = 0;
  NamedMetrics metrics;  // flattened summary incl. bounds and (counterfactual) cost
  analysis::BoundsFigures bounds;
  analysis::CostFigures cost;
  bool partial = false;
  std::size_t violations = 0;
  // Its timeseries.csv with the identity columns (run --keep-replications); empty otherwise.
  std::string timeseries_csv;
};

// Runs one replication: simulate, bounds, counterfactual cost, flatten. `outcome` (optional)
// receives the full run (for the outputs of the first replication); `watchdog` (tests) replaces
// the low-memory stop's defaults. Throws if low memory cut the run short.
ReplicationResult run_replication(const models::Scenario& scenario, const std::string& path,
                                  std::uint64_t seed, const std::atomic<bool>* stop,
                                  sim::RunOutcome* outcome = nullptr,
                                  const sim::MemoryWatchdog::Config* watchdog = nullptr,
                                  bool keep_timeseries = false);

struct MetricStats {
  std::string name;
  analysis::ConfidenceInterval ci;  // over the finite values; all NaN if there are none
};

// Per metric (in the order of the first run) mean, stddev, 95 % CI, n.
std::vector<MetricStats> summarize(const std::vector<ReplicationResult>& runs, double level = 0.95);
const MetricStats* find_stats(const std::vector<MetricStats>& stats, const std::string& name);

struct ReplicationOptions {
  std::string scenario_path;  // recorded in the outputs
  std::uint64_t base_seed = 1;
  std::size_t replications = 1;  // fixed count (ignored when auto_target is set)
  // --replications auto: stop when the CI half-width of this metric is <= the target, or at
  // max_replications. Replications are added in batches of `threads`.
  std::optional<std::pair<std::string, double>> auto_target;
  std::size_t max_replications = 30;
  unsigned threads = 0;  // 0 = hardware concurrency
  const std::atomic<bool>* stop = nullptr;
  bool keep_first_outcome = true;
  bool keep_timeseries = false;  // fill every ReplicationResult::timeseries_csv
  std::optional<sim::MemoryWatchdog::Config> watchdog;  // tests: a fake memory reading
  std::function<void(std::size_t done, std::size_t planned)> on_done;  // progress (any thread)
};

// The runs that reached their end: an interrupted one (Ctrl-C) covers a shorter span and
// would bias every mean it entered.
std::vector<ReplicationResult> whole_runs(const std::vector<ReplicationResult>& runs);

struct ReplicationSet {
  std::vector<ReplicationResult> runs;   // in seed order, interrupted ones included (marked)
  std::vector<MetricStats> stats;        // over whole_runs(runs) only
  std::optional<sim::RunOutcome> first;  // the first replication's full run
  bool target_reached = false;           // auto mode: the half-width target was met
};

// Throws std::invalid_argument on bad options (no replications, unknown target metric).
ReplicationSet run_replications(const models::Scenario& scenario,
                                const ReplicationOptions& options);

// Runs fn(i) for i in [begin, end) on up to `threads` threads; exceptions are rethrown (the
// first by index) after all threads joined.
void parallel_for(std::size_t begin, std::size_t end, unsigned threads,
                  const std::function<void(std::size_t)>& fn);
unsigned resolve_threads(unsigned threads);

// replications.json / replications.csv content.
analysis::io::Json replications_to_json(const ReplicationSet& set, const std::string& scenario,
                                        const std::string& path);
std::string replications_csv(const ReplicationSet& set);

// Every replication's time series in one tidy table (run --keep-replications): the columns of
// timeseries.csv led by scenario, seed and policy, replications in seed order. Empty when the
// set was run without keep_timeseries.
std::string replications_timeseries_csv(const ReplicationSet& set);
inline constexpr const char* kReplicationsSchema = "p2pcdn-sim/replications/1";

// Means of a parsed replications.json as flat metrics (for `check`).
NamedMetrics replication_means(const analysis::io::Json& replications);

}  // namespace p2pcdn::study
