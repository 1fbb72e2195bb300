// `compare`: A and B on the same viewers with common random numbers (replication i of both
// uses seed + i), paired differences B - A with 95 % confidence intervals per metric.
// Runs the simulator through run_replications only.
#pragma once
#include <string>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/report/study_report.hpp"
#include "sim/study/replications.hpp"

namespace p2pcdn::study {

struct CompareSide {
  std::string label;  // shown in tables ("windowed", "a.yaml")
  std::string path;
  models::Scenario scenario;
};

// Paired rows for every metric both sides have (in A's order). Metrics with fewer than one
// finite pair are left out. diff = paired_ci(a, b) over the replications where both are finite;
// a pair with an interrupted (partial) side is left out whole.
std::vector<analysis::CompareReportRow> paired_rows(const std::vector<ReplicationResult>& a,
                                                    const std::vector<ReplicationResult>& b);

// Runs both sides with `options` (same seeds) and pairs them.
analysis::CompareReportData run_compare(const CompareSide& a, const CompareSide& b,
                                        const ReplicationOptions& options);

analysis::io::Json compare_to_json(const analysis::CompareReportData& data);
// Fixed-width terminal table: metric, A, B, B - A ± half-width, CI.
std::string compare_table(const analysis::CompareReportData& data);

}  // namespace p2pcdn::study
