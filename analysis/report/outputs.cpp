// Writes a run's output directory.
#include "analysis/report/outputs.hpp"

#include <stdexcept>
#include <system_error>

#include "analysis/report/summary_json.hpp"
#include "analysis/report/timeseries_csv.hpp"

namespace p2pcdn::analysis {

OutputPaths write_run_outputs(const std::filesystem::path& dir, const Summary& summary,
                              const RunInfo& info, const std::vector<ReportSection>& extra) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error("cannot create output directory '" + dir.string() +
                             "': " + ec.message());
  }
  OutputPaths p{dir / "summary.json", dir / "timeseries.csv", dir / "timeseries_pops.csv",
                dir / "report.html"};
  write_timeseries_csv(p.timeseries_csv, summary, &info);
  write_timeseries_pops_csv(p.timeseries_pops_csv, summary, &info);
  write_report_html(p.report_html, summary, info, extra);
  write_summary_json(p.summary_json, summary, info);
  return p;
}

}  // namespace p2pcdn::analysis
