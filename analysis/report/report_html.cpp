// report.html writer: key figures, inline SVG charts, tables.
#include "analysis/report/report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analysis/io/atomic_file.hpp"
#include "analysis/report/svg_plot.hpp"

namespace p2pcdn::analysis {
namespace {

using svg::escape_xml;

// At most one bin per pixel column of a chart's plot area (~570 px of the 640 px charts): a
// bin holds consecutive intervals; areas show their mean, envelopes their busiest interval.
constexpr std::size_t kMaxPlotPoints = 540;

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string pct(double share) {
  if (!std::isfinite(share)) return "–";
  const double p = share * 100;
  return fixed(p, std::fabs(p) < 10 ? 2 : 1) + "%";
}

std::string count(std::uint64_t v) {  // 1234567 -> "1,234,567"
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), 1, ',');
  return s;
}

std::string sig3(double v) {
  if (!std::isfinite(v)) return "–";
  const double a = std::fabs(v);
  return fixed(v, a >= 100 || a == 0 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
}

std::string gbps_text(double gbps) {
  return svg::format_with_unit(gbps, svg::bitrate_scale_gbps(gbps));
}
std::string bytes_text(double bytes) {
  return svg::format_with_unit(bytes, svg::bytes_scale(bytes));
}
std::string seconds_text(double s) {
  if (!std::isfinite(s)) return "–";
  if (s < 1) return sig3(s * 1000) + " ms";
  return sig3(s) + " s";
}
std::string kbps_text(double kbps) {
  if (!std::isfinite(kbps)) return "–";
  return kbps >= 1000 ? sig3(kbps / 1000) + " Mbit/s" : sig3(kbps) + " kbit/s";
}
std::string duration_text(double s) {
  const auto total = static_cast<long long>(std::llround(s));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60, total % 60);
  return buf;
}

// Groups consecutive rows into at most kMaxPlotPoints bins (2 points each, a step): the mean of
// each bin, and for the CDN and each PoP also the busiest interval of the bin (the envelope), so
// the highest drawn CDN value is the CDN peak of the cards whatever the number of intervals.
struct Plotted {
  std::vector<double> t;
  std::vector<double> viewers, cdn, p2p, turn, offload, stalling, bitrate;
  std::vector<double> cdn_max;
  std::vector<std::vector<double>> pops, pops_max;
  std::size_t stride = 1;
};

Plotted downsample(const Summary& s, double t_div) {
  Plotted p;
  const std::size_t n = s.timeseries.size();
  const std::size_t stride = std::max<std::size_t>(1, (n + kMaxPlotPoints - 1) / kMaxPlotPoints);
  p.stride = stride;
  p.pops.resize(s.pops.size());
  p.pops_max.resize(s.pops.size());
  const auto mean = [](double sum, std::size_t k) {
    return k > 0 ? sum / static_cast<double>(k) : std::nan("");
  };
  for (std::size_t i = 0; i < n; i += stride) {
    const std::size_t e = std::min(n, i + stride);
    double v = 0, c = 0, q = 0, u = 0, st = 0, br = 0, c_max = 0;
    std::size_t st_n = 0, br_n = 0;
    std::vector<double> pop(s.pops.size(), 0.0), pop_max(s.pops.size(), 0.0);
    for (std::size_t k = i; k < e; ++k) {
      const auto& r = s.timeseries[k];
      v += r.viewers;
      c += r.cdn_gbps;
      c_max = std::max(c_max, r.cdn_gbps);
      q += r.p2p_gbps;
      u += r.turn_gbps;
      if (std::isfinite(r.stalling_share)) st += r.stalling_share, ++st_n;
      if (std::isfinite(r.mean_bitrate_kbps)) br += r.mean_bitrate_kbps, ++br_n;
      for (std::size_t j = 0; j < pop.size() && j < r.cdn_gbps_by_pop.size(); ++j) {
        pop[j] += r.cdn_gbps_by_pop[j];
        pop_max[j] = std::max(pop_max[j], r.cdn_gbps_by_pop[j]);
      }
    }
    const std::size_t k = e - i;
    // Each value holds over its whole interval: two points, at its start and its end, so
    // the curves are step functions that span [0, end] exactly.
    const double kd = static_cast<double>(k);
    for (const double t : {s.timeseries[i].t_start_s, s.timeseries[e - 1].t_end_s}) {
      p.t.push_back(t / t_div);
      p.viewers.push_back(v / kd);
      p.cdn.push_back(c / kd);
      p.p2p.push_back(q / kd);
      p.turn.push_back(u / kd);
      p.offload.push_back(c + q + u > 0 ? q / (c + q + u) : std::nan(""));
      p.stalling.push_back(mean(st, st_n));
      p.bitrate.push_back(mean(br, br_n));
      p.cdn_max.push_back(c_max);
      for (std::size_t j = 0; j < pop.size(); ++j) {
        p.pops[j].push_back(pop[j] / kd);
        p.pops_max[j].push_back(pop_max[j]);
      }
    }
  }
  return p;
}

std::vector<double> scaled(const std::vector<double>& v, double div) {
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i] / div;
  return out;
}

constexpr const char* kCdnColor = "#D55E00";
constexpr const char* kP2pColor = "#009E73";
constexpr const char* kTurnColor = "#CC79A7";
constexpr const char* kViewersColor = "#0072B2";

std::string card(const std::string& label, const std::string& value, const std::string& sub,
                 const char* accent) {
  return "<div class=\"card\" style=\"border-top-color:" + std::string(accent) +
         "\"><div class=\"label\">" + escape_xml(label) + "</div><div class=\"value\">" +
         escape_xml(value) + "</div><div class=\"sub\">" + escape_xml(sub) + "</div></div>";
}

std::string figure(const std::string& svg_text, const std::string& caption = {}) {
  std::string out = "<figure>" + svg_text;
  if (!caption.empty()) out += "<figcaption>" + escape_xml(caption) + "</figcaption>";
  return out + "</figure>";
}

std::string cdf_svg(const DistributionSummary& d, const std::string& title,
                    const std::string& x_label, svg::Format format, double x_div,
                    const std::string& name) {
  svg::Series s;
  s.name = name;
  s.color = kViewersColor;
  for (const auto& p : d.cdf) {
    s.x.push_back(p.value / x_div);
    s.y.push_back(p.probability);
  }
  svg::ChartOptions o;
  o.title = title;
  o.x.label = x_label;
  o.x.format = format;
  o.y.label = "share of viewers ≤ x";
  if (d.count > 0) {
    o.subtitle = count(d.count) + " viewers · mean " +
                 (format == svg::Format::kPercent ? pct(d.mean) : sig3(d.mean / x_div)) +
                 " · p90 " + (format == svg::Format::kPercent ? pct(d.p90) : sig3(d.p90 / x_div)) +
                 " · p99 " + (format == svg::Format::kPercent ? pct(d.p99) : sig3(d.p99 / x_div));
    // Keep the body of the curve readable: clip a long tail at p99 (the subtitle has it).
    if (d.max > 0 && d.p99 > 0 && d.max > 3 * d.p99) {
      o.x.max = d.p99 * 1.25 / x_div;
      o.subtitle += " · x axis clipped at 1.25 × p99";
    }
  }
  return svg::cdf_chart(o, {s});
}

std::string offload_bars(const std::vector<GroupBreakdown>& groups, const std::string& title) {
  std::vector<svg::Bar> bars;
  for (const auto& g : groups) {
    svg::Bar b;
    b.label = g.name;
    b.value = g.offload;
    b.note = count(g.viewers) + " viewers";
    b.color = kP2pColor;
    bars.push_back(std::move(b));
  }
  svg::ChartOptions o;
  o.title = title;
  o.x.label = "offload (share of video bytes from peers)";
  o.x.format = svg::Format::kPercent;
  o.x.min = 0.0;
  o.x.max = 1.0;
  return svg::hbar_chart(o, bars);
}

std::string breakdown_table(const std::string& dim, const std::vector<GroupBreakdown>& groups) {
  std::string t =
      "<table class=\"data\"><thead><tr><th>" + escape_xml(dim) +
      "</th><th>viewers</th><th>offload</th><th>from CDN</th><th>from peers</th><th>via TURN</th>"
      "<th>rebuffering (mean)</th><th>stalled</th><th>start-up (mean)</th><th>bitrate "
      "(mean)</th></tr></thead><tbody>";
  for (const auto& g : groups) {
    t += "<tr><td>" + escape_xml(g.name) + "</td><td>" + count(g.viewers) + "</td><td>" +
         pct(g.offload) + "</td><td>" + bytes_text(static_cast<double>(g.bytes_cdn)) + "</td><td>" +
         bytes_text(static_cast<double>(g.bytes_p2p)) + "</td><td>" +
         bytes_text(static_cast<double>(g.bytes_turn)) + "</td><td>" +
         pct(g.rebuffering_ratio_mean) + "</td><td>" + pct(g.stalled_share) + "</td><td>" +
         seconds_text(g.startup_s_mean) + "</td><td>" + kbps_text(g.avg_bitrate_kbps_mean) +
         "</td></tr>";
  }
  return t + "</tbody></table>";
}

constexpr const char* kCss = R"(
:root{--ink:#212529;--muted:#6c757d;--line:#dee2e6;--bg:#f4f5f7}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
main{max-width:1280px;margin:0 auto;padding:24px}
header h1{margin:0 0 4px;font-size:24px;font-weight:650}
header .meta{color:var(--muted);font-size:13px}
p.warning{background:#fff5f5;border-left:4px solid #c92a2a;padding:8px 12px;border-radius:4px;margin:8px 0}
.badge{display:inline-block;background:#fff3bf;color:#7c5e00;border:1px solid #ffe066;border-radius:4px;padding:1px 8px;font-weight:600;font-size:12px;margin-left:8px;vertical-align:middle}
h2{font-size:17px;margin:28px 0 10px;font-weight:650}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:12px;margin-top:18px}
.card{background:#fff;border-radius:8px;border-top:4px solid #adb5bd;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:28px;font-weight:650;margin:2px 0;font-variant-numeric:tabular-nums}
.card .sub{color:var(--muted);font-size:12.5px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:14px}
figure{margin:0;background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
figcaption{color:var(--muted);font-size:12px;margin-top:2px}
svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.06)}
table.data{width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
thead th{background:#f8f9fa;font-weight:600;font-size:12.5px;color:#495057}
table.key td:first-child{color:#495057}
table.key td:nth-child(2){font-weight:600}
table.key td:last-child{color:var(--muted);text-align:left;white-space:normal}
.tables{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px;align-items:start}
.scroll{overflow-x:auto}
footer{color:var(--muted);font-size:12px;margin-top:32px;border-top:1px solid var(--line);padding-top:10px}
)";

}  // namespace

std::string report_html(const Summary& s, const RunInfo& info,
                        const std::vector<ReportSection>& extra) {
  const double duration_s = to_seconds(s.end_us);
  const std::string name = info.scenario_name.empty() ? info.scenario_path : info.scenario_name;
  const std::string interval_text =
      svg::format_tick(to_seconds(s.interval_us), to_seconds(s.interval_us)) + " s";
  std::string h;
  h.reserve(1 << 20);
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">";
  h += "<title>p2pcdn-sim · " + escape_xml(name) + "</title><style>" + std::string(kCss) +
       "</style></head><body><main>\n";

  // ---- header
  h += "<header><h1>" + escape_xml(name);
  if (info.partial) {
    const std::string why = info.run.stopped_by.empty() ? "" : " (" + info.run.stopped_by + ")";
    h += "<span class=\"badge\" title=\"stopped early" + escape_xml(why) +
         ": figures cover the measured span only\">PARTIAL RUN</span>";
  }
  h += "</h1><div class=\"meta\">scenario <code>" + escape_xml(info.scenario_path) +
       "</code> · seed " + std::to_string(info.seed) + " · policy " +
       escape_xml(info.policy.empty() ? "–" : info.policy) + " · simulated " +
       duration_text(duration_s) + " · " + count(info.events_processed) + " events · interval " +
       interval_text +
       (info.partial && !info.run.stopped_by.empty()
            ? " · <strong>stopped early: " + escape_xml(info.run.stopped_by) + "</strong>"
            : std::string()) +
       "</div></header>\n";

  // ---- key figures: cards
  const double total_bytes = static_cast<double>(s.bytes_cdn) + static_cast<double>(s.bytes_p2p) +
                             static_cast<double>(s.bytes_turn);
  h += "<section class=\"cards\" id=\"key-figures\">";
  h += card("Offload", pct(s.offload),
            bytes_text(static_cast<double>(s.bytes_p2p)) + " of " + bytes_text(total_bytes) +
                " from peers",
            kP2pColor);
  h += card("CDN egress peak", gbps_text(s.cdn.peak_gbps),
            "95th percentile " + gbps_text(s.cdn.p95_gbps), kCdnColor);
  h += card("CDN + TURN peak", gbps_text(s.server.peak_gbps),
            "p95 " + gbps_text(s.server.p95_gbps) + " · TURN peak " + gbps_text(s.turn.peak_gbps),
            kTurnColor);
  h += card("Peak concurrency", count(s.peak_concurrency), count(s.viewers) + " viewers in total",
            kViewersColor);
  h += card("Rebuffering ratio", pct(s.rebuffering_ratio.mean),
            "mean · p90 " + pct(s.rebuffering_ratio.p90) + " · p99 " + pct(s.rebuffering_ratio.p99),
            "#E69F00");
  h += card("Viewers who stalled", pct(s.stalled_share),
            sig3(s.stalls_per_hour.mean) + " stalls per hour (mean)", "#E69F00");
  h += card("Start-up time", seconds_text(s.startup_s.p50),
            "median · p90 " + seconds_text(s.startup_s.p90) + " · never started " +
                pct(s.never_started_share),
            "#56B4E9");
  h += card("Average bitrate", kbps_text(s.avg_bitrate_kbps.mean),
            "mean · " + sig3(s.bitrate_switches.mean) + " switches per viewer", "#56B4E9");
  h += "</section>\n";
  // What the planner must know before reading the figures (idle PoPs, capacity never binding).
  for (const auto& warning : info.warnings)
    h += "<p class=\"warning\">⚠ " + escape_xml(warning) + "</p>\n";
  // Sections the caller wants read first (with and without P2P).
  for (const auto& sec : extra) {
    if (sec.top) h += "<h2>" + escape_xml(sec.title) + "</h2><section>" + sec.html + "</section>\n";
  }

  // ---- key figures: table
  h += "<h2>Key figures</h2><div class=\"scroll\"><table class=\"key data\"><tbody>";
  const auto row = [&](const std::string& k, const std::string& v, const std::string& note) {
    h += "<tr><td>" + escape_xml(k) + "</td><td>" + escape_xml(v) + "</td><td>" + escape_xml(note) +
         "</td></tr>";
  };
  row("Offload", pct(s.offload), "peer bytes / (CDN + peer + TURN bytes)");
  row("Bytes from CDN", bytes_text(static_cast<double>(s.bytes_cdn)), count(s.bytes_cdn) + " B");
  row("Bytes from peers", bytes_text(static_cast<double>(s.bytes_p2p)), count(s.bytes_p2p) + " B");
  row("Bytes via TURN", bytes_text(static_cast<double>(s.bytes_turn)), count(s.bytes_turn) + " B");
  row("CDN egress peak", gbps_text(s.cdn.peak_gbps), "highest " + interval_text + " interval");
  row("CDN egress p95", gbps_text(s.cdn.p95_gbps),
      "95th percentile of interval rates (burstable billing)");
  row("CDN egress mean", gbps_text(s.cdn.mean_gbps), "over the whole run");
  row("CDN + TURN peak / p95", gbps_text(s.server.peak_gbps) + " / " + gbps_text(s.server.p95_gbps),
      "all egress the operator serves");
  row("Peak concurrency", count(s.peak_concurrency), "viewers present at once");
  row("Viewers", count(s.viewers), count(s.viewers_started) + " started playing");
  row("Rebuffering ratio", pct(s.rebuffering_ratio.mean),
      "mean; p50 " + pct(s.rebuffering_ratio.p50) + ", p90 " + pct(s.rebuffering_ratio.p90) +
          ", p99 " + pct(s.rebuffering_ratio.p99));
  row("Viewers who stalled", pct(s.stalled_share), "of viewers who started");
  row("Stalls per hour", sig3(s.stalls_per_hour.mean), "mean; p90 " + sig3(s.stalls_per_hour.p90));
  row("Start-up time", seconds_text(s.startup_s.mean),
      "mean; p50 " + seconds_text(s.startup_s.p50) + ", p90 " + seconds_text(s.startup_s.p90) +
          ", p99 " + seconds_text(s.startup_s.p99));
  // The field's figure beside ours, with what it counts that the simulator does not.
  row("Start-up time in the field", "1.7–6.1 s",
      "mean video start time of the top World Cup 2018 publishers (Conviva); it also counts "
      "page and player loading, DRM and ads, which are not simulated: the simulated start-up "
      "is a floor (docs/metrics.md)");
  row("Never started", pct(s.never_started_share), "left before the first frame");
  row("Average bitrate", kbps_text(s.avg_bitrate_kbps.mean),
      "mean of per-viewer time-weighted bitrates; p50 " + kbps_text(s.avg_bitrate_kbps.p50) +
          ", p90 " + kbps_text(s.avg_bitrate_kbps.p90));
  row("Bitrate switches", sig3(s.bitrate_switches.mean),
      "mean per viewer; p90 " + sig3(s.bitrate_switches.p90));
  row("P2P connections", count(s.connection_successes) + " / " + count(s.connection_attempts),
      "succeeded / attempted (" +
          pct(s.connection_attempts > 0 ? static_cast<double>(s.connection_successes) /
                                              static_cast<double>(s.connection_attempts)
                                        : std::nan("")) +
          ")");
  const SchedulerTotals& st = s.scheduler;
  const auto ratio = [](std::uint64_t num, std::uint64_t den) {
    return den > 0 ? static_cast<double>(num) / static_cast<double>(den) : std::nan("");
  };
  row("Peer requests", count(st.p2p_segments) + " / " + count(st.requests_sent),
      "delivered / sent (" + pct(ratio(st.p2p_segments, st.requests_sent)) + "); refused " +
          pct(ratio(st.requests_rejected, st.requests_sent)) + ", timed out " +
          pct(ratio(st.requests_timed_out, st.requests_sent)) + ", " +
          count(st.p2p_to_http_fallbacks) + " replaced by HTTP for the deadline");
  h += "</tbody></table></div>\n";

  // ---- time series plots
  const double end_s = s.timeseries.empty() ? 0 : s.timeseries.back().t_end_s;
  const svg::UnitScale ts = svg::time_scale_s(end_s);
  const Plotted p = downsample(s, ts.divisor);
  const std::string t_label = "time since start (" + ts.unit + ")";
  // Every time axis spans the whole measured run, [0, end].
  const auto time_axis = [&](svg::ChartOptions& o) {
    o.x.label = t_label;
    o.x.min = 0.0;
    o.x.max = std::max(end_s, 1e-9) / ts.divisor;
  };
  double max_stack = 0;
  for (std::size_t i = 0; i < p.t.size(); ++i)
    max_stack = std::max({max_stack, p.cdn[i] + p.p2p[i] + p.turn[i], p.cdn_max[i]});
  const std::string per_bin =
      p.stride > 1 ? "areas: mean of each " + std::to_string(p.stride) + " intervals" : "";
  const svg::UnitScale rate = svg::bitrate_scale_gbps(max_stack);

  h += "<h2>Audience and delivery over time</h2><div class=\"grid\">";
  {
    svg::ChartOptions o;
    o.title = "Concurrent viewers";
    o.subtitle = "time-averaged per interval · peak " + count(s.peak_concurrency);
    time_axis(o);
    o.y.label = "viewers";
    svg::Series v{"viewers", p.t, p.viewers, kViewersColor, false};
    v.name = "";
    h += figure(svg::line_chart(o, {v}));
  }
  {
    svg::ChartOptions o;
    o.title = "Egress by source (stacked)";
    o.subtitle = "CDN peak " + gbps_text(s.cdn.peak_gbps) + " · p95 " + gbps_text(s.cdn.p95_gbps) +
                 (per_bin.empty() ? "" : " · " + per_bin + "; line: the busiest of them");
    time_axis(o);
    o.y.label = "egress (" + rate.unit + ")";
    std::vector<svg::Series> envelope;
    if (p.stride > 1)
      envelope.push_back(
          {"CDN, busiest interval", p.t, scaled(p.cdn_max, rate.divisor), "#7f2704", false});
    h += figure(svg::stacked_area_chart(
        o,
        {{"CDN", p.t, scaled(p.cdn, rate.divisor), kCdnColor, false},
         {"TURN relay", p.t, scaled(p.turn, rate.divisor), kTurnColor, false},
         {"peers (P2P)", p.t, scaled(p.p2p, rate.divisor), kP2pColor, false}},
        envelope));
  }
  {
    svg::ChartOptions o;
    o.title = "Offload over time";
    o.subtitle = "share of video bytes delivered by peers, per interval";
    time_axis(o);
    o.y.label = "offload";
    o.y.format = svg::Format::kPercent;
    o.y.min = 0.0;
    o.y.max = 1.0;
    h += figure(svg::line_chart(o, {{"per interval", p.t, p.offload, kP2pColor, false}},
                                {{s.offload, "whole run " + pct(s.offload), "#495057"}}));
  }
  {
    svg::ChartOptions o;
    o.title = "Viewers stalling";
    o.subtitle = "share of viewer time spent rebuffering, per interval";
    time_axis(o);
    o.y.label = "stalling";
    o.y.format = svg::Format::kPercent;
    h += figure(svg::line_chart(o, {{"", p.t, p.stalling, "#E69F00", false}}));
  }
  if (!s.pops.empty()) {
    double max_pop = 0;
    for (const auto& v : p.pops_max) {
      for (const double x : v) max_pop = std::max(max_pop, x);
    }
    const svg::UnitScale pr = svg::bitrate_scale_gbps(max_pop);
    svg::ChartOptions o;
    o.title = "CDN egress per PoP";
    time_axis(o);
    o.y.label = "egress (" + pr.unit + ")";
    // At most 7 PoPs by bytes get their own line (the palette stays distinguishable);
    // the rest are summed into "other PoPs".
    std::vector<std::size_t> order(s.pops.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return s.cdn_by_pop[a].bytes > s.cdn_by_pop[b].bytes;
    });
    constexpr std::size_t kMaxLines = 7;
    const std::size_t own = order.size() <= kMaxLines + 1 ? order.size() : kMaxLines;
    std::vector<svg::Series> ser;
    for (std::size_t j = 0; j < own; ++j) {
      const std::size_t i = order[j];
      ser.push_back({s.pops[i], p.t, scaled(p.pops_max[i], pr.divisor), "", false});
    }
    if (own < order.size()) {
      std::vector<double> other(p.t.size(), 0.0);
      for (std::size_t j = own; j < order.size(); ++j) {
        for (std::size_t k = 0; k < other.size(); ++k) other[k] += p.pops_max[order[j]][k];
      }
      ser.push_back({std::to_string(order.size() - own) + " other PoPs", p.t,
                     scaled(other, pr.divisor), "#868e96", true});
      o.subtitle = "the " + std::to_string(own) + " largest PoPs; the rest summed";
    }
    if (p.stride > 1) {
      o.subtitle += std::string(o.subtitle.empty() ? "" : " · ") + "busiest of each " +
                    std::to_string(p.stride) + " intervals";
    }
    h += figure(svg::line_chart(o, ser));
  }
  {
    bool any = false;
    for (const double b : p.bitrate) any = any || std::isfinite(b);
    if (any) {
      svg::ChartOptions o;
      o.title = "Mean bitrate of playing viewers";
      time_axis(o);
      o.y.label = "bitrate (Mbit/s)";
      h += figure(svg::line_chart(o, {{"", p.t, scaled(p.bitrate, 1000), "#56B4E9", false}}));
    }
  }
  h += "</div>\n";

  // ---- QoE distributions
  h += "<h2>Quality of experience</h2><div class=\"grid\">";
  h += figure(cdf_svg(s.rebuffering_ratio, "Rebuffering ratio (CDF)",
                      "rebuffering ratio = stall / (play + stall)", svg::Format::kPercent, 1, ""));
  h += figure(cdf_svg(s.startup_s, "Start-up time (CDF)", "start-up time (s)", svg::Format::kNumber,
                      1, ""));
  h += figure(cdf_svg(s.avg_bitrate_kbps, "Average bitrate per viewer (CDF)",
                      "average bitrate (Mbit/s)", svg::Format::kNumber, 1000, ""));
  h += figure(cdf_svg(s.viewer_offload, "Offload per viewer (CDF)",
                      "share of the viewer's bytes from peers", svg::Format::kPercent, 1, ""));
  h += "</div>\n";

  // ---- breakdowns
  h += "<h2>Who gets offload</h2><div class=\"grid\">";
  h += figure(offload_bars(s.by_nat, "Offload by NAT type"));
  h += figure(offload_bars(s.by_device, "Offload by device class"));
  if (!s.by_region.empty()) h += figure(offload_bars(s.by_region, "Offload by region"));
  if (!s.by_rendition.empty()) h += figure(offload_bars(s.by_rendition, "Offload by rendition"));
  h += "</div>\n";

  h += "<h2>Breakdowns</h2><div class=\"scroll\">";
  h += breakdown_table("device class", s.by_device);
  h += "</div><div class=\"scroll\" style=\"margin-top:12px\">" +
       breakdown_table("NAT type", s.by_nat);
  h += "</div><div class=\"scroll\" style=\"margin-top:12px\">" +
       breakdown_table("region", s.by_region);
  h += "</div><div class=\"scroll\" style=\"margin-top:12px\">" +
       breakdown_table("rendition", s.by_rendition);
  h += "</div>\n";

  h += "<h2>Egress per PoP and P2P connections</h2><div class=\"tables\"><div "
       "class=\"scroll\"><table class=\"data\">"
       "<thead><tr><th>PoP</th><th>peak</th><th>p95</th><th>mean</th><th>bytes</th></tr></"
       "thead><tbody>";
  for (const auto& e : s.cdn_by_pop) {
    h += "<tr><td>" + escape_xml(e.name) + "</td><td>" + gbps_text(e.peak_gbps) + "</td><td>" +
         gbps_text(e.p95_gbps) + "</td><td>" + gbps_text(e.mean_gbps) + "</td><td>" +
         bytes_text(static_cast<double>(e.bytes)) + "</td></tr>";
  }
  h += "<tr><td><b>all PoPs</b></td><td><b>" + gbps_text(s.cdn.peak_gbps) + "</b></td><td><b>" +
       gbps_text(s.cdn.p95_gbps) + "</b></td><td>" + gbps_text(s.cdn.mean_gbps) + "</td><td>" +
       bytes_text(static_cast<double>(s.cdn.bytes)) + "</td></tr></tbody></table></div>";
  h += "<div class=\"scroll\"><table class=\"data\"><thead><tr><th>NAT pair (initiator → "
       "responder)</th><th>attempts</th>"
       "<th>success</th><th>relayed</th></tr></thead><tbody>";
  for (const auto& c : s.connections_by_nat) {
    h += "<tr><td>" + escape_xml(c.nat_a) + " → " + escape_xml(c.nat_b) + "</td><td>" +
         count(c.attempts) + "</td><td>" +
         pct(c.attempts > 0 ? static_cast<double>(c.successes) / static_cast<double>(c.attempts)
                            : std::nan("")) +
         "</td><td>" + count(c.relayed) + "</td></tr>";
  }
  if (s.connections_by_nat.empty()) h += "<tr><td colspan=\"4\">no connection attempts</td></tr>";
  h += "</tbody></table></div></div>\n";

  for (const auto& sec : extra) {
    if (sec.top) continue;
    h += "<h2>" + escape_xml(sec.title) + "</h2><section>" + sec.html + "</section>\n";
  }

  const std::string partitions =
      info.run.partitions > 1
          ? " · " + std::to_string(info.run.partitions) + " partitions by region on " +
                std::to_string(info.run.threads) + " threads" +
                (info.run.partition_runs.empty()
                     ? std::string()
                     : " (" + sig3(info.run.cores_busy()) + " cores busy)")
          : std::string();
  h += "<footer>run: wall time " + sig3(info.run.wall_time_s) + " s" + partitions +
       " · peak memory " + bytes_text(static_cast<double>(info.run.peak_rss_bytes)) + " · host " +
       escape_xml(info.run.host) + " · p2pcdn-sim " + escape_xml(info.run.version) +
       ". Definitions of every figure: docs/metrics.md.</footer>\n";
  h += "</main></body></html>\n";
  return h;
}

void write_report_html(const std::filesystem::path& path, const Summary& summary,
                       const RunInfo& info, const std::vector<ReportSection>& extra) {
  io::write_file_atomic(path, report_html(summary, info, extra));
}

}  // namespace p2pcdn::analysis
