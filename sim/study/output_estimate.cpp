#include "sim/study/output_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace p2pcdn::sim {
namespace {

// The widest CSV field: a double at 17 significant digits with sign, point and exponent.
constexpr double kFieldBytes = 25;
constexpr double kTimeseriesFixedColumns =
    12;  // analysis/report/timeseries_csv.cpp (+ seed, policy)
// report.html: the page, its tables and cards, then every curve (a point is two coordinates
// at most ~12 characters each) capped at 2 x 1500 points (analysis/report/report_html.cpp).
constexpr double kReportFixedBytes = 64e3;
constexpr double kReportMaxPoints = 2 * 1500;
constexpr double kPointBytes = 26;
constexpr double kReportFixedCurves = 8;  // viewers, CDN, P2P, TURN, offload, stalling, bitrate
// summary.json: its fixed keys, then one breakdown object per PoP, rendition, region, device
// and NAT type, and one count per NAT pair.
constexpr double kSummaryFixedBytes = 24e3;
constexpr double kBreakdownBytes = 1.5e3;
constexpr double kGroupsBesidesScenario = 10;  // devices and NAT types
// Studies: every metric of a run with its statistics, per replication or point.
constexpr double kStudyFixedBytes = 64e3;
constexpr double kPerReplicationBytes = 8e3;
constexpr double kPerPointBytes = 24e3;

}  // namespace

std::uint64_t estimate_timeseries_bytes(const models::Scenario& scenario) {
  const double interval = scenario.metrics.interval_s > 0 ? scenario.metrics.interval_s : 1.0;
  const double rows = std::ceil(std::max(0.0, scenario.run.duration_s) / interval) + 1;
  const double pops = static_cast<double>(scenario.cdn.pops.size());
  // Every row leads with the scenario's name (quoted at worst: twice its length).
  const double name = 2.0 * static_cast<double>(scenario.name.size()) + 3;
  return static_cast<std::uint64_t>(rows * ((kTimeseriesFixedColumns + pops) * kFieldBytes + name));
}

std::uint64_t estimate_run_output_bytes(const models::Scenario& scenario) {
  const double interval = scenario.metrics.interval_s > 0 ? scenario.metrics.interval_s : 1.0;
  const double rows = std::ceil(std::max(0.0, scenario.run.duration_s) / interval) + 1;
  const double pops = static_cast<double>(scenario.cdn.pops.size());
  const double timeseries = static_cast<double>(estimate_timeseries_bytes(scenario));
  const double groups = pops + static_cast<double>(scenario.stream.renditions.size()) +
                        static_cast<double>(scenario.topology.regions.size()) +
                        kGroupsBesidesScenario;
  const double report =
      kReportFixedBytes + groups * kBreakdownBytes +
      (kReportFixedCurves + pops) * std::min(2 * rows, kReportMaxPoints) * kPointBytes;
  const double summary = kSummaryFixedBytes + groups * kBreakdownBytes;
  // timeseries_pops.csv: a row per interval and PoP (identity, two times, the name, a rate).
  const double name = 2.0 * static_cast<double>(scenario.name.size()) + 3;
  double pop_names = 0;
  for (const auto& pop : scenario.cdn.pops) pop_names += 2.0 * static_cast<double>(pop.name.size());
  const double pops_long = rows * (pops * (name + 4 * kFieldBytes) + pop_names);
  return static_cast<std::uint64_t>(timeseries + pops_long + report + summary);
}

std::uint64_t estimate_replications_output_bytes(std::size_t replications) {
  return static_cast<std::uint64_t>(kStudyFixedBytes +
                                    static_cast<double>(replications) * kPerReplicationBytes);
}

std::uint64_t estimate_sweep_output_bytes(std::size_t points) {
  return static_cast<std::uint64_t>(kStudyFixedBytes +
                                    static_cast<double>(points) * kPerPointBytes);
}

std::uint64_t estimate_compare_output_bytes(std::size_t replications) {
  return static_cast<std::uint64_t>(kStudyFixedBytes +
                                    static_cast<double>(replications) * kPerReplicationBytes);
}

}  // namespace p2pcdn::sim
