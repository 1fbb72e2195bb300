// One run of a scenario end to end, as the CLI and the tests use it: simulate,
// time it, and write summary.json, timeseries.csv, timeseries_pops.csv and report.html (each whole
// or not at all). Also the helpers every verb shares (peak memory, version).
#pragma once
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "analysis/report/report_html.hpp"
#include "analysis/report/run_info.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/host/simulation.hpp"
#include "sim/study/memory_watchdog.hpp"

namespace p2pcdn::sim {

struct RunRequest {
  std::string scenario_path;  // for the record (summary.json)
  std::uint64_t seed = 1;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(double, std::uint64_t, std::uint64_t)> progress;
  std::optional<std::uint64_t> trace_viewer;
  unsigned threads = 1;  // for the partitions of a partitioned run (0: all cores)
  // Stop cleanly (partial results, RunStats::stopped_by) when the machine runs low on memory.
  // Tests inject the headroom reader; floor_bytes 0 means memory_floor_bytes(this machine).
  bool memory_watchdog = true;
  MemoryWatchdog::Config watchdog;
};

struct RunOutcome {
  SimulationResult result;
  analysis::RunInfo info;
};

// Simulates and fills RunInfo (wall time, peak RSS, host, version). Throws
// std::invalid_argument on a scenario the world cannot be built from.
RunOutcome run_once(const models::Scenario& scenario, const RunRequest& request);

// Writes the three output files into `out` (created if needed).
void write_run_outputs(const std::filesystem::path& out, const models::Scenario& scenario,
                       const RunOutcome& outcome,
                       const std::vector<analysis::ReportSection>& extra = {});

// The per-viewer memory breakdown as text lines for the CLI ("" when never measured), e.g.
//   memory per viewer  1234 B measured at 10000 viewers (t=540 s): agent: state 800, ...
std::string format_memory(const MemoryBreakdown& memory);

// Peak resident memory of this process so far, bytes.
std::uint64_t peak_rss_bytes();
// "p2pcdn-sim 0.1.0 (scheduler 0.2.0)".
std::string version_string();

}  // namespace p2pcdn::sim
