// timeseries.csv: one row per interval of the Summary (columns in docs/metrics.md),
// written atomically. Never adds anything that is not in the Summary.
#pragma once
#include <filesystem>
#include <string>

#include "analysis/metrics/summary.hpp"
#include "analysis/report/run_info.hpp"

namespace p2pcdn::analysis {

// With `info`, every row starts with the run's identity (scenario, seed, policy), so the files
// of many runs concatenate into one tidy table (pandas.concat, then group by them).
std::string timeseries_csv(const Summary& summary, const RunInfo* info = nullptr);
void write_timeseries_csv(const std::filesystem::path& path, const Summary& summary,
                          const RunInfo* info = nullptr);

// timeseries_pops.csv: the per-PoP columns of timeseries.csv in long format, one row per
// (interval, PoP): scenario, seed, policy (with `info`), t_start_s, t_end_s, pop, cdn_gbps. The
// tidy shape pandas and ggplot group by (`df.pivot(columns="pop")` gives the wide one back).
std::string timeseries_pops_csv(const Summary& summary, const RunInfo* info = nullptr);
void write_timeseries_pops_csv(const std::filesystem::path& path, const Summary& summary,
                               const RunInfo* info = nullptr);

}  // namespace p2pcdn::analysis
