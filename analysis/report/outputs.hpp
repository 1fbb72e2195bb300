// The whole output directory of a run in one call: summary.json, timeseries.csv,
// timeseries_pops.csv, report.html, each written atomically (a file is complete or absent). Never
// writes anything else and never deletes anything.
#pragma once
#include <filesystem>
#include <vector>

#include "analysis/metrics/summary.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/report/run_info.hpp"

namespace p2pcdn::analysis {

struct OutputPaths {
  std::filesystem::path summary_json, timeseries_csv, timeseries_pops_csv, report_html;
};

// Creates `dir` (and parents) if needed, then writes the four files; summary.json
// last, so a directory with a summary.json always has the others. Throws
// std::runtime_error naming the path on failure.
OutputPaths write_run_outputs(const std::filesystem::path& dir, const Summary& summary,
                              const RunInfo& info, const std::vector<ReportSection>& extra = {});

}  // namespace p2pcdn::analysis
