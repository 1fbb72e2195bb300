#include "sim/study/metrics.hpp"

#include <cmath>
#include <limits>

namespace p2pcdn::study {

const std::vector<MetricPath>& metric_paths() {
  static const std::vector<MetricPath> kPaths = {
      {"offload", "offload"},
      {"cdn.peak_gbps", "egress.cdn.peak_gbps"},
      {"cdn.p95_gbps", "egress.cdn.p95_gbps"},
      {"cdn.mean_gbps", "egress.cdn.mean_gbps"},
      {"turn.peak_gbps", "egress.turn.peak_gbps"},
      {"server.peak_gbps", "egress.server.peak_gbps"},
      {"bytes.cdn", "bytes.cdn"},
      {"bytes.p2p", "bytes.p2p"},
      {"bytes.turn", "bytes.turn"},
      {"bytes.total", "bytes.total"},
      {"rebuffering_ratio.mean", "qoe.rebuffering_ratio.mean"},
      {"rebuffering_ratio.p90", "qoe.rebuffering_ratio.p90"},
      {"rebuffering_ratio.p99", "qoe.rebuffering_ratio.p99"},
      {"stalled_share", "viewers.stalled_share"},
      {"stalls_per_hour.mean", "qoe.stalls_per_hour.mean"},
      {"never_started_share", "viewers.never_started_share"},
      {"startup_s.mean", "qoe.startup_s.mean"},
      {"startup_s.p50", "qoe.startup_s.p50"},
      {"startup_s.p90", "qoe.startup_s.p90"},
      {"avg_bitrate_kbps.mean", "qoe.avg_bitrate_kbps.mean"},
      {"bitrate_switches.mean", "qoe.bitrate_switches.mean"},
      {"viewer_offload.mean", "qoe.viewer_offload.mean"},
      {"connections.success_rate", "connections.success_rate"},
      {"scheduler.request_success_rate", "scheduler.request_success_rate"},
      {"scheduler.p2p_to_http_fallbacks", "scheduler.p2p_to_http_fallbacks"},
      {"viewers", "viewers.total"},
      {"peak_concurrency", "viewers.peak_concurrency"},
      {"events", "events_processed"},
      {"bounds.fluid_offload", "bounds.fluid_offload"},
      {"bounds.max_flow_offload", "bounds.max_flow_offload"},
      {"bounds.fluid_efficiency", "bounds.fluid_efficiency"},
      {"bounds.max_flow_efficiency", "bounds.max_flow_efficiency"},
      {"bounds.store_forward_offload", "bounds.store_forward_offload"},
      {"bounds.tightest_efficiency", "bounds.tightest_efficiency"},
      {"cost.total_usd", "cost.total_usd"},
      {"cost.baseline_usd", "cost.baseline_usd"},
      {"cost.saving_usd", "cost.saving_usd"},
      {"cost.saving_fraction", "cost.saving_fraction"},
      {"cost.cdn_p95_5min_gbps", "cost.cdn_p95_5min_gbps"},
      {"baseline.cdn.peak_gbps", "baseline.without_p2p.cdn_peak_gbps"},
      {"baseline.cdn.p95_gbps", "baseline.without_p2p.cdn_p95_gbps"},
      {"baseline.avg_bitrate_kbps.mean", "baseline.without_p2p.avg_bitrate_kbps_mean"},
      {"baseline.rebuffering_ratio.mean", "baseline.without_p2p.rebuffering_ratio_mean"},
      {"baseline.stalled_share", "baseline.without_p2p.stalled_share"},
      {"baseline.startup_s.p50", "baseline.without_p2p.startup_s_p50"},
      {"baseline.saving_fraction", "baseline.saving.fraction"},
      {"baseline.saving_peer_fraction", "baseline.saving.peer_fraction"},
      {"baseline.saving_not_delivered_fraction", "baseline.saving.not_delivered_fraction"},
  };
  return kPaths;
}

namespace {

const analysis::io::Json* follow(const analysis::io::Json& root, const std::string& dotted) {
  const analysis::io::Json* cur = &root;
  std::size_t start = 0;
  while (cur != nullptr) {
    const std::size_t dot = dotted.find('.', start);
    cur = cur->find(dotted.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace

NamedMetrics flatten_summary_json(const analysis::io::Json& summary) {
  NamedMetrics out;
  for (const auto& p : metric_paths()) {
    const analysis::io::Json* v = follow(summary, p.json_path);
    if (v == nullptr) continue;
    if (v->is_null()) {
      out.emplace_back(p.name, std::numeric_limits<double>::quiet_NaN());
    } else if (v->is_number()) {
      out.emplace_back(p.name, v->as_double());
    }
  }
  return out;
}

NamedMetrics flatten_summary(const analysis::Summary& summary, const analysis::RunInfo& info,
                             const analysis::SummaryExtras& extras) {
  return flatten_summary_json(analysis::summary_to_json(summary, info, extras));
}

double metric_value(const NamedMetrics& metrics, const std::string& name) {
  for (const auto& [n, v] : metrics)
    if (n == name) return v;
  return std::numeric_limits<double>::quiet_NaN();
}

analysis::MetricMap to_metric_map(const NamedMetrics& metrics) {
  analysis::MetricMap map;
  for (const auto& [n, v] : metrics)
    if (std::isfinite(v)) map[n] = v;
  return map;
}

analysis::CompareOptions gate_options(const std::vector<std::string>& tolerance_specs) {
  analysis::CompareOptions options;
  for (const auto& p : metric_paths()) {
    const std::string name = p.name;
    // A bound or the CDN-only baseline moving is not a regression of the scheduler.
    if (name.rfind("bounds.", 0) == 0 || name.rfind("baseline.", 0) == 0)
      options.rules[name] = analysis::MetricRule{};
  }
  for (const auto& spec : tolerance_specs) options.add(analysis::parse_tolerance(spec));
  return options;
}

}  // namespace p2pcdn::study
