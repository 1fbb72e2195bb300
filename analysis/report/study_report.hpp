// The pages of the study verbs: sweep.html (each main metric against the first varied key with
// its 95 % confidence band, one line per value of the second key) and compare.html (A and B side
// by side and the paired differences), plus the bounds and cost sections of report.html.
// Self-contained like report.html (inline CSS and SVG only); never runs or reads anything.
#pragma once
#include <string>
#include <vector>

#include "analysis/report/report_html.hpp"
#include "analysis/report/summary_json.hpp"
#include "analysis/stats/confidence.hpp"
#include "analysis/stats/regression.hpp"

namespace p2pcdn::analysis {

struct MetricEstimate {
  std::string name;
  ConfidenceInterval ci;
};

struct SweepReportPoint {
  std::vector<std::string> values;  // one per varied key, in key order
  std::vector<MetricEstimate> metrics;
};

// The log-log fit of CDN peak against the audience for one group of points (the values of the
// other varied keys), with the samples it was fitted on: drawn as dots, the fitted line and its
// 95 % band, up to the extrapolation.
struct AudienceFitChart {
  std::string group;                     // "" when the audience is the only varied key
  std::string metric = "cdn.peak_gbps";  // y, in Gbit/s
  std::vector<double> viewers, values;   // one pair per replication fitted
  LineFit fit;                           // Scale::kLogLog
  double extrapolate_to = 0;             // the band is drawn up to here
};

struct SweepReportData {
  std::string scenario_name, scenario_path;
  std::vector<std::string> keys;  // the varied keys, in --vary order
  std::vector<SweepReportPoint> points;
  std::size_t replications = 0;
  std::vector<std::string> notes;  // e.g. the CDN peak extrapolation, shown as paragraphs
  std::vector<AudienceFitChart> audience_fits;
};

// The log-log chart of one audience fit (an inline <svg>).
std::string audience_fit_chart(const AudienceFitChart& fit);

// Metrics drawn as curves, in order (those absent from the data are skipped).
const std::vector<std::string>& sweep_plot_metrics();

std::string sweep_html(const SweepReportData& data);

struct CompareReportRow {
  std::string metric;
  ConfidenceInterval a, b, diff;  // diff: paired B - A
};

struct CompareReportData {
  std::string label_a, label_b;
  std::string scenario_a, scenario_b;
  std::vector<std::uint64_t> seeds;
  std::vector<CompareReportRow> rows;
};

std::string compare_html(const CompareReportData& data);

// report.html sections for the bounds and the cost (either may be null).
std::vector<ReportSection> bounds_cost_sections(const BoundsFigures* bounds,
                                                const CostFigures* cost);

// "0.512 ± 0.004" with a sensible number of significant digits.
std::string format_estimate(const ConfidenceInterval& ci);

}  // namespace p2pcdn::analysis
