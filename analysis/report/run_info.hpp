// What a run was (scenario, seed, policy, partial) and how it ran (wall time,
// memory, host, version), written next to the metrics. Data only. Only the
// `run` part (RunStats) may differ between two runs of the same binary, scenario and seed.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn::analysis {

// One partition of a partitioned run: which regions, their audience share, its wall time
// and events (the run's wall time is the longest partition's when threads >= partitions).
struct PartitionRun {
  std::string regions;
  double viewer_share = 0;
  double wall_s = 0;
  std::uint64_t events = 0;
};

struct RunStats {
  double wall_time_s = 0;
  std::uint64_t peak_rss_bytes = 0;
  std::string host;                          // machine name
  std::string version;                       // p2pcdn-sim version / git describe
  std::uint32_t partitions = 1;              // simulations the run was split into (run.partition)
  unsigned threads = 1;                      // threads that ran them (results do not depend on it)
  std::vector<PartitionRun> partition_runs;  // in partition order (empty: one simulation)
  // Sum of the partitions' wall times / the run's: the cores kept busy on average (0: not
  // partitioned).
  [[nodiscard]] double cores_busy() const {
    double sum = 0;
    for (const PartitionRun& p : partition_runs) sum += p.wall_s;
    return partition_runs.empty() || wall_time_s <= 0 ? 0.0 : sum / wall_time_s;
  }
  // Why a partial run stopped: "interrupted" (Ctrl-C, SIGTERM) or "low memory: ..." ("" when
  // the run reached its end).
  std::string stopped_by;
  // Memory per live viewer by component, measured by the host at its busiest sample
  // (memory_viewers == 0: not measured).
  std::uint64_t memory_viewers = 0;
  double memory_t_s = 0;
  double memory_bytes_per_viewer = 0;                        // sum of the attributed items
  double memory_neighbour_list_bytes_per_viewer = 0;         // the part that is neighbour lists
  std::vector<std::pair<std::string, double>> memory_items;  // (component, bytes per viewer)
};

struct RunInfo {
  std::string scenario_path;
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::string policy;    // scheduler policy name
  bool partial = false;  // stopped early (Ctrl-C): metrics cover [0, end) only
  std::uint64_t events_processed = 0;
  // What a planner must know before reading the figures (analysis/report/planner_warnings.hpp):
  // deterministic, written to summary.json's "warnings" and the report's top.
  std::vector<std::string> warnings;
  RunStats run;
};

}  // namespace p2pcdn::analysis
