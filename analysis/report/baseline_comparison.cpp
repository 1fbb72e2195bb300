// With and without P2P: the side-by-side figures, the saving split and the warnings.
#include "analysis/report/baseline_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "analysis/report/svg_plot.hpp"

namespace p2pcdn::analysis {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) { return b > 0 ? a / b : kNan; }

std::string fmt_num(const char* format, double v) {
  if (!std::isfinite(v)) return "–";
  char buf[96];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string pct(double share) { return fmt_num("%.2f %%", 100 * share); }
std::string gbps(double v) { return svg::format_with_unit(v, svg::bitrate_scale_gbps(v)); }
std::string bytes(double v) {
  const std::string sign = v < 0 ? "−" : "";
  return sign + svg::format_with_unit(std::fabs(v), svg::bytes_scale(std::fabs(v)));
}
std::string kbps(double v) {
  if (!std::isfinite(v)) return "–";
  return v >= 1000 ? fmt_num("%.2f Mbit/s", v / 1000) : fmt_num("%.0f kbit/s", v);
}
std::string seconds(double s) {
  if (!std::isfinite(s)) return "–";
  return s < 1 ? fmt_num("%.1f ms", s * 1000) : fmt_num("%.2f s", s);
}
std::string change(double with, double without) {
  if (!std::isfinite(with) || !std::isfinite(without) || without == 0) return "";
  return fmt_num("%+.1f %%", 100 * (with - without) / std::fabs(without));
}

io::Json side_json(const DeliverySide& s) {
  io::Json o = io::Json::object();
  o.set("cdn_peak_gbps", s.cdn_peak_gbps);
  o.set("cdn_p95_gbps", s.cdn_p95_gbps);
  o.set("cdn_mean_gbps", s.cdn_mean_gbps);
  o.set("server_bytes", s.server_bytes);
  o.set("delivered_bytes", s.delivered_bytes);
  o.set("avg_bitrate_kbps_mean", s.avg_bitrate_kbps_mean);
  o.set("rebuffering_ratio_mean", s.rebuffering_ratio_mean);
  o.set("stalled_share", s.stalled_share);
  o.set("startup_s_p50", s.startup_s_p50);
  o.set("startup_s_mean", s.startup_s_mean);
  o.set("bitrate_switches_mean", s.bitrate_switches_mean);
  o.set("never_started_share", s.never_started_share);
  o.set("viewers_started", s.viewers_started);
  return o;
}

}  // namespace

DeliverySide delivery_side(const Summary& s) {
  DeliverySide d;
  d.cdn_peak_gbps = s.cdn.peak_gbps;
  d.cdn_p95_gbps = s.cdn.p95_gbps;
  d.cdn_mean_gbps = s.cdn.mean_gbps;
  d.server_bytes = static_cast<double>(s.bytes_cdn) + static_cast<double>(s.bytes_turn);
  d.delivered_bytes = d.server_bytes + static_cast<double>(s.bytes_p2p);
  d.avg_bitrate_kbps_mean = s.avg_bitrate_kbps.mean;
  d.rebuffering_ratio_mean = s.rebuffering_ratio.mean;
  d.stalled_share = s.stalled_share;
  d.startup_s_p50 = s.startup_s.p50;
  d.startup_s_mean = s.startup_s.mean;
  d.bitrate_switches_mean = s.bitrate_switches.mean;
  d.never_started_share = s.never_started_share;
  d.viewers_started = s.viewers_started;
  return d;
}

BaselineComparison compare_with_baseline(const Summary& with_p2p, const Summary& without_p2p) {
  BaselineComparison c;
  c.with_p2p = delivery_side(with_p2p);
  c.without_p2p = delivery_side(without_p2p);
  const DeliverySide& w = c.with_p2p;
  const DeliverySide& o = c.without_p2p;
  c.saving_bytes = o.server_bytes - w.server_bytes;
  c.peer_bytes =
      static_cast<double>(with_p2p.bytes_p2p) - static_cast<double>(without_p2p.bytes_p2p);
  c.not_delivered_bytes = o.delivered_bytes - w.delivered_bytes;
  c.saving_fraction = ratio(c.saving_bytes, o.server_bytes);
  c.peer_fraction = ratio(c.peer_bytes, o.server_bytes);
  c.not_delivered_fraction = ratio(c.not_delivered_bytes, o.server_bytes);

  if (std::isfinite(w.avg_bitrate_kbps_mean) && std::isfinite(o.avg_bitrate_kbps_mean) &&
      w.avg_bitrate_kbps_mean < o.avg_bitrate_kbps_mean * (1 - kBitrateDropWarning)) {
    std::string msg = "P2P lowered the average bitrate from " + kbps(o.avg_bitrate_kbps_mean) +
                      " to " + kbps(w.avg_bitrate_kbps_mean) + " (" +
                      change(w.avg_bitrate_kbps_mean, o.avg_bitrate_kbps_mean) + ")";
    if (c.not_delivered_bytes > 0 && c.saving_bytes > 0) {
      msg += ": " + pct(c.not_delivered_bytes / c.saving_bytes) +
             " of the CDN saving is bytes not delivered, not bytes peers carried";
    }
    c.warnings.push_back(msg);
  }
  if (std::isfinite(w.stalled_share) && std::isfinite(o.stalled_share) && w.viewers_started > 0 &&
      o.viewers_started > 0) {
    const double pw = w.stalled_share, po = o.stalled_share;
    const double se = std::sqrt(pw * (1 - pw) / static_cast<double>(w.viewers_started) +
                                po * (1 - po) / static_cast<double>(o.viewers_started));
    if (pw - po > 1.96 * se && pw > po) {
      c.warnings.push_back("P2P raised the share of viewers who stalled from " + pct(po) + " to " +
                           pct(pw) + " (beyond the 95 % interval of the difference, ± " +
                           pct(1.96 * se) + ")");
    }
  }
  if (std::isfinite(w.rebuffering_ratio_mean) && std::isfinite(o.rebuffering_ratio_mean) &&
      w.rebuffering_ratio_mean - o.rebuffering_ratio_mean > 1e-4 &&
      w.rebuffering_ratio_mean > 1.1 * o.rebuffering_ratio_mean) {
    c.warnings.push_back("P2P raised the mean rebuffering ratio from " +
                         pct(o.rebuffering_ratio_mean) + " to " + pct(w.rebuffering_ratio_mean));
  }

  const std::size_t n = std::min(with_p2p.timeseries.size(), without_p2p.timeseries.size());
  for (std::size_t i = 0; i < n; ++i) {
    c.t_s.push_back(with_p2p.timeseries[i].t_start_s);
    c.cdn_gbps_with.push_back(with_p2p.timeseries[i].cdn_gbps);
    c.cdn_gbps_without.push_back(without_p2p.timeseries[i].cdn_gbps);
  }
  return c;
}

io::Json baseline_to_json(const BaselineComparison& c) {
  io::Json root = io::Json::object();
  root.set("run", "cdn-only run (p2p.enabled=false), same scenario and seed");
  root.set("with_p2p", side_json(c.with_p2p));
  root.set("without_p2p", side_json(c.without_p2p));
  io::Json saving = io::Json::object();
  saving.set("bytes", c.saving_bytes);
  saving.set("fraction", c.saving_fraction);
  saving.set("peer_bytes", c.peer_bytes);
  saving.set("peer_fraction", c.peer_fraction);
  saving.set("not_delivered_bytes", c.not_delivered_bytes);
  saving.set("not_delivered_fraction", c.not_delivered_fraction);
  root.set("saving", std::move(saving));
  io::Json warnings = io::Json::array();
  for (const auto& w : c.warnings) warnings.push(w);
  root.set("warnings", std::move(warnings));
  return root;
}

ReportSection baseline_section(const BaselineComparison& c) {
  using svg::escape_xml;
  const DeliverySide& w = c.with_p2p;
  const DeliverySide& o = c.without_p2p;
  std::string h;
  for (const auto& warning : c.warnings)
    h += "<p class=\"warning\">⚠ " + escape_xml(warning) + "</p>";
  h += "<div class=\"scroll\"><table class=\"data key\" id=\"with-without\"><thead><tr><th></th>"
       "<th>without P2P (CDN only)</th><th>with P2P</th><th>change</th></tr></thead><tbody>";
  const auto row = [&](const std::string& k, const std::string& without, const std::string& with,
                       const std::string& delta) {
    h += "<tr><td>" + escape_xml(k) + "</td><td>" + escape_xml(without) + "</td><td>" +
         escape_xml(with) + "</td><td>" + escape_xml(delta) + "</td></tr>";
  };
  row("CDN egress peak", gbps(o.cdn_peak_gbps), gbps(w.cdn_peak_gbps),
      change(w.cdn_peak_gbps, o.cdn_peak_gbps));
  row("CDN egress p95", gbps(o.cdn_p95_gbps), gbps(w.cdn_p95_gbps),
      change(w.cdn_p95_gbps, o.cdn_p95_gbps));
  row("CDN egress mean", gbps(o.cdn_mean_gbps), gbps(w.cdn_mean_gbps),
      change(w.cdn_mean_gbps, o.cdn_mean_gbps));
  row("CDN + TURN bytes", bytes(o.server_bytes), bytes(w.server_bytes),
      change(w.server_bytes, o.server_bytes));
  row("bytes delivered to viewers", bytes(o.delivered_bytes), bytes(w.delivered_bytes),
      change(w.delivered_bytes, o.delivered_bytes));
  row("average bitrate (mean)", kbps(o.avg_bitrate_kbps_mean), kbps(w.avg_bitrate_kbps_mean),
      change(w.avg_bitrate_kbps_mean, o.avg_bitrate_kbps_mean));
  row("rebuffering ratio (mean)", pct(o.rebuffering_ratio_mean), pct(w.rebuffering_ratio_mean), "");
  row("viewers who stalled", pct(o.stalled_share), pct(w.stalled_share), "");
  row("start-up time (median)", seconds(o.startup_s_p50), seconds(w.startup_s_p50),
      change(w.startup_s_p50, o.startup_s_p50));
  row("bitrate switches per viewer (mean)", fmt_num("%.3g", o.bitrate_switches_mean),
      fmt_num("%.3g", w.bitrate_switches_mean), "");
  row("never started", pct(o.never_started_share), pct(w.never_started_share), "");
  h += "</tbody></table></div>";
  h += "<div class=\"scroll\"><table class=\"data key\" id=\"saving-split\"><thead><tr><th>CDN + "
       "TURN saving</th><th>bytes</th><th>of the CDN-only bytes</th></tr></thead><tbody>";
  h += "<tr><td>total</td><td>" + escape_xml(bytes(c.saving_bytes)) + "</td><td>" +
       pct(c.saving_fraction) + "</td></tr>";
  h += "<tr><td>bytes peers carried</td><td>" + escape_xml(bytes(c.peer_bytes)) + "</td><td>" +
       pct(c.peer_fraction) + "</td></tr>";
  h += "<tr><td>bytes not delivered (lower bitrate, stalls, never started)</td><td>" +
       escape_xml(bytes(c.not_delivered_bytes)) + "</td><td>" + pct(c.not_delivered_fraction) +
       "</td></tr>";
  h += "</tbody></table></div><p>Both runs have the same viewers (same scenario and seed, common "
       "random numbers); the baseline sets p2p.enabled=false. The saving is exactly bytes peers "
       "carried plus bytes the CDN-only run delivered and the P2P run did not.</p>";
  if (!c.t_s.empty()) {
    double max_gbps = 0, max_t = 0;
    for (std::size_t i = 0; i < c.t_s.size(); ++i) {
      max_gbps = std::max({max_gbps, c.cdn_gbps_with[i], c.cdn_gbps_without[i]});
      max_t = std::max(max_t, c.t_s[i]);
    }
    const svg::UnitScale rate = svg::bitrate_scale_gbps(max_gbps);
    const svg::UnitScale time = svg::time_scale_s(max_t);
    svg::Series without, with;
    without.name = "CDN only";
    with.name = "with P2P";
    without.color = "#495057";
    without.dashed = true;
    with.color = svg::palette()[0];
    for (std::size_t i = 0; i < c.t_s.size(); ++i) {
      const double t = c.t_s[i] / time.divisor;
      without.x.push_back(t);
      with.x.push_back(t);
      without.y.push_back(c.cdn_gbps_without[i] / rate.divisor);
      with.y.push_back(c.cdn_gbps_with[i] / rate.divisor);
    }
    svg::ChartOptions opt;
    opt.title = "CDN egress with and without P2P";
    opt.subtitle = "peak " + gbps(o.cdn_peak_gbps) + " without, " + gbps(w.cdn_peak_gbps) + " with";
    opt.x.label = "time (" + time.unit + ")";
    opt.y.label = "CDN egress (" + rate.unit + ")";
    h += "<figure>" + svg::line_chart(opt, {without, with}) + "</figure>";
  }
  return {"With and without P2P", h, true};
}

}  // namespace p2pcdn::analysis
