// report.html: one self-contained page (inline CSS and SVG, no scripts, fonts,
// images or URLs) that shows a run to a capacity planner: key figures first,
// then plots and tables. Written atomically. Never fetches or links anything.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/metrics/summary.hpp"
#include "analysis/report/run_info.hpp"

namespace p2pcdn::analysis {

// An extra section supplied by the caller (e.g. bounds or cost from other modules).
// `html` is inserted as is: it must be self-contained too (inline SVG/tables only).
struct ReportSection {
  std::string title;
  std::string html;
  bool top = false;  // shown right after the cards (what a planner must read first)
};

std::string report_html(const Summary& summary, const RunInfo& info,
                        const std::vector<ReportSection>& extra = {});
void write_report_html(const std::filesystem::path& path, const Summary& summary,
                       const RunInfo& info, const std::vector<ReportSection>& extra = {});

}  // namespace p2pcdn::analysis
