// timeseries.csv: one row per interval of the Summary (columns in docs/metrics.md),
// written atomically. Never adds anything that is not in the Summary.
#pragma once
#include <filesystem>
#include <string>

#include "analysis/metrics/summary.hpp"

namespace p2pcdn::analysis {

std::string timeseries_csv(const Summary& summary);
void write_timeseries_csv(const std::filesystem::path& path, const Summary& summary);

}  // namespace p2pcdn::analysis
