// `sweep`: the grid of --set overrides (cartesian product of the --vary values), each point
// with its replications, the tidy CSV, and the log-log fit of CDN peak against the audience
// when the audience size is varied. Loads scenarios through models/scenario only.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analysis/report/study_report.hpp"
#include "analysis/stats/regression.hpp"
#include "sim/study/replications.hpp"

namespace p2pcdn::study {

struct VaryAxis {
  std::string key;
  std::vector<std::string> values;
};

// "key.path=v1,v2,..." -> axis. Throws std::invalid_argument on an empty key or value.
VaryAxis parse_vary(const std::string& spec);

struct GridPoint {
  std::vector<std::string> values;  // one per axis
  std::vector<std::string> sets;    // "key=value", one per axis
};

// Cartesian product, the first axis varying slowest (row-major). Throws on no axes, or a key
// varied twice.
std::vector<GridPoint> expand_grid(const std::vector<VaryAxis>& axes);

inline constexpr const char* kAudienceKey = "audience.concurrency.peak_viewers";

struct AudienceFit {
  std::string group;  // the values of the other keys ("" with one key)
  analysis::LineFit fit;
  double extrapolate_to = 0;  // audience size of the prediction
  analysis::Prediction prediction;
  std::vector<double> viewers, values;  // the samples fitted, one per replication
};

struct SweepOptions {
  std::string scenario_path;
  std::vector<std::string> base_sets;  // --set (before the grid's)
  std::vector<VaryAxis> axes;
  ReplicationOptions replication;  // per point (seed, count, threads, stop)
  std::function<void(std::size_t point, std::size_t points)> on_point;
};

struct SweepResult {
  analysis::SweepReportData report;
  std::vector<std::vector<ReplicationResult>> runs;  // per point
  std::vector<AudienceFit> fits;
};

// Throws std::invalid_argument (with every scenario error) if a grid point does not load.
SweepResult run_sweep(const SweepOptions& options);

// Fits of cdn.peak_gbps on the audience size (log-log), one per combination of the other
// keys with >= 3 distinct sizes; prediction at 10x the largest size simulated.
std::vector<AudienceFit> fit_audience(const std::vector<VaryAxis>& axes,
                                      const std::vector<GridPoint>& grid,
                                      const std::vector<std::vector<ReplicationResult>>& runs,
                                      const std::string& metric = "cdn.peak_gbps");

std::string sweep_csv(const SweepResult& result);

// Loads a scenario with overrides; throws std::invalid_argument listing every error.
models::Scenario load_with_sets(const std::string& path, const std::vector<std::string>& sets);

}  // namespace p2pcdn::study
