#include "sim/study/compare.hpp"

#include <fmt/format.h>
#include <cmath>
#include <limits>

namespace p2pcdn::study {

std::vector<analysis::CompareReportRow> paired_rows(const std::vector<ReplicationResult>& all_a,
                                                    const std::vector<ReplicationResult>& all_b) {
  std::vector<analysis::CompareReportRow> rows;
  // Only pairs where both sides reached their end (Ctrl-C may cut one short).
  std::vector<ReplicationResult> a, b;
  for (std::size_t i = 0; i < std::min(all_a.size(), all_b.size()); ++i) {
    if (all_a[i].partial || all_b[i].partial) continue;
    a.push_back(all_a[i]);
    b.push_back(all_b[i]);
  }
  if (a.empty() || b.empty()) return rows;
  const std::vector<MetricStats> sa = summarize(a), sb = summarize(b);
  const std::size_t n = std::min(a.size(), b.size());
  for (const auto& stats_a : sa) {
    const MetricStats* stats_b = find_stats(sb, stats_a.name);
    if (stats_b == nullptr) continue;
    std::vector<double> xa, xb;
    for (std::size_t i = 0; i < n; ++i) {
      const double va = metric_value(a[i].metrics, stats_a.name);
      const double vb = metric_value(b[i].metrics, stats_a.name);
      if (std::isfinite(va) && std::isfinite(vb)) {
        xa.push_back(va);
        xb.push_back(vb);
      }
    }
    if (xa.empty()) continue;
    rows.push_back({stats_a.name, stats_a.ci, stats_b->ci, analysis::paired_ci(xa, xb)});
  }
  return rows;
}

analysis::CompareReportData run_compare(const CompareSide& a, const CompareSide& b,
                                        const ReplicationOptions& options) {
  ReplicationOptions ro = options;
  ro.auto_target.reset();
  ro.keep_first_outcome = false;
  ro.scenario_path = a.path;
  const ReplicationSet ra = run_replications(a.scenario, ro);
  ro.scenario_path = b.path;
  const ReplicationSet rb = run_replications(b.scenario, ro);
  analysis::CompareReportData data;
  data.label_a = a.label;
  data.label_b = b.label;
  data.scenario_a = a.path;
  data.scenario_b = b.path;
  for (const auto& r : ra.runs) data.seeds.push_back(r.seed);
  data.rows = paired_rows(ra.runs, rb.runs);
  return data;
}

namespace {
analysis::io::Json ci_json(const analysis::ConfidenceInterval& ci) {
  analysis::io::Json o = analysis::io::Json::object();
  o.set("mean", ci.mean);
  o.set("stddev", ci.stddev);
  o.set("half_width", ci.half_width);
  o.set("ci_low", ci.low);
  o.set("ci_high", ci.high);
  o.set("n", ci.n);
  return o;
}
}  // namespace

analysis::io::Json compare_to_json(const analysis::CompareReportData& data) {
  using analysis::io::Json;
  Json root = Json::object();
  root.set("schema", "p2pcdn-sim/compare/1");
  Json a = Json::object();
  a.set("label", data.label_a);
  a.set("scenario", data.scenario_a);
  root.set("a", std::move(a));
  Json b = Json::object();
  b.set("label", data.label_b);
  b.set("scenario", data.scenario_b);
  root.set("b", std::move(b));
  Json seeds = Json::array();
  for (auto s : data.seeds) seeds.push(s);
  root.set("seeds", std::move(seeds));
  root.set("level", 0.95);
  Json metrics = Json::object();
  for (const auto& r : data.rows) {
    Json m = Json::object();
    m.set("a", ci_json(r.a));
    m.set("b", ci_json(r.b));
    m.set("diff", ci_json(r.diff));
    metrics.set(r.metric, std::move(m));
  }
  root.set("metrics", std::move(metrics));
  return root;
}

namespace {
const char* quality_label(const std::string& metric, double diff) {
  const int quality = analysis::change_quality(metric, diff);
  if (diff > 0)
    return quality > 0 ? "B higher, better" : quality < 0 ? "B higher, worse" : "B higher";
  return quality > 0 ? "B lower, better" : quality < 0 ? "B lower, worse" : "B lower";
}
}  // namespace

std::string compare_table(const analysis::CompareReportData& data) {
  std::string out =
      fmt::format("{:<28} {:>14} {:>14} {:>26}  {}\n", "metric", data.label_a.substr(0, 14),
                  data.label_b.substr(0, 14), "B - A (95 % CI half-width)", "significant");
  for (const auto& r : data.rows) {
    const bool significant = std::isfinite(r.diff.low) && (r.diff.low > 0 || r.diff.high < 0);
    out += fmt::format("{:<28} {:>14.6g} {:>14.6g} {:>14.6g} ± {:<9.3g}  {}\n", r.metric, r.a.mean,
                       r.b.mean, r.diff.mean, r.diff.half_width,
                       significant ? quality_label(r.metric, r.diff.mean) : "-");
  }
  return out;
}

}  // namespace p2pcdn::study
