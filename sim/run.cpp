#include "sim/run.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "analysis/report/planner_warnings.hpp"
#include "analysis/report/summary_json.hpp"
#include "analysis/report/timeseries_csv.hpp"
#include "p2pcdn/scheduler/version.hpp"
#include "sim/host/agent_config.hpp"

namespace p2pcdn::sim {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports kB
}

std::string format_memory(const MemoryBreakdown& memory) {
  if (memory.viewers == 0) return "";
  char line[256];
  std::snprintf(line, sizeof line,
                "  memory per viewer  %.0f B measured at %llu live viewers (t=%.0f s):\n",
                memory.measured_bytes_per_viewer, static_cast<unsigned long long>(memory.viewers),
                memory.t_s);
  std::string out = line;
  for (const MemoryItem& item : memory.items) {
    std::snprintf(line, sizeof line, "    %-22s %8.0f B\n", item.name.c_str(),
                  item.bytes_per_viewer);
    out += line;
  }
  return out;
}

std::string version_string() {
  return std::string("p2pcdn-sim 0.1.0 (scheduler ") + sched::version() + ")";
}

RunOutcome run_once(const models::Scenario& scenario, const RunRequest& request) {
  SimulationOptions options;
  options.seed = request.seed;
  MemoryWatchdog::Config watch = request.watchdog;
  if (!request.memory_watchdog) watch.headroom = nullptr;  // still relays the user's stop
  if (watch.floor_bytes == 0) watch.floor_bytes = memory_floor_bytes(machine_memory_bytes());
  MemoryWatchdog watchdog(request.stop, std::move(watch));
  options.stop = &watchdog.stop();
  options.progress = request.progress;
  options.trace_viewer = request.trace_viewer;
  options.threads = request.threads;
  const auto start = std::chrono::steady_clock::now();
  RunOutcome outcome{simulate(scenario, options), {}};
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  watchdog.finish();
  analysis::RunInfo& info = outcome.info;
  info.scenario_path = request.scenario_path;
  info.scenario_name = scenario.name;
  info.seed = request.seed;
  info.policy = std::string(policy_name(scenario));
  info.partial = outcome.result.partial;
  if (info.partial) info.run.stopped_by = watchdog.reason();
  info.events_processed = outcome.result.host.events;
  std::vector<analysis::PopCapacity> pops;
  for (const models::Pop& pop : scenario.cdn.pops) pops.push_back({pop.name, pop.egress_gbps});
  info.warnings = analysis::planner_warnings(outcome.result.summary, pops);
  info.run.wall_time_s = wall;
  info.run.peak_rss_bytes = peak_rss_bytes();
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) info.run.host = host;
  info.run.version = version_string();
  info.run.partitions = outcome.result.partitions;
  for (const PartitionTiming& t : outcome.result.partition_timings)
    info.run.partition_runs.push_back({t.regions, t.viewer_share, t.wall_s, t.events});
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  info.run.threads =
      std::min<unsigned>(request.threads == 0 ? cores : request.threads, outcome.result.partitions);
  const MemoryBreakdown& memory = outcome.result.memory;
  info.run.memory_viewers = memory.viewers;
  info.run.memory_t_s = memory.t_s;
  info.run.memory_bytes_per_viewer = memory.measured_bytes_per_viewer;
  info.run.memory_neighbour_list_bytes_per_viewer = memory.neighbour_list_bytes_per_viewer;
  for (const MemoryItem& item : memory.items)
    info.run.memory_items.emplace_back(item.name, item.bytes_per_viewer);
  return outcome;
}

void write_run_outputs(const std::filesystem::path& out, const models::Scenario& scenario,
                       const RunOutcome& outcome,
                       const std::vector<analysis::ReportSection>& extra) {
  (void)scenario;
  std::filesystem::create_directories(out);
  analysis::write_summary_json(out / "summary.json", outcome.result.summary, outcome.info);
  analysis::write_timeseries_csv(out / "timeseries.csv", outcome.result.summary, &outcome.info);
  analysis::write_timeseries_pops_csv(out / "timeseries_pops.csv", outcome.result.summary,
                                      &outcome.info);
  analysis::write_report_html(out / "report.html", outcome.result.summary, outcome.info, extra);
}

}  // namespace p2pcdn::sim
