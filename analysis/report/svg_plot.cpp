// SVG charts for report.html (see svg_plot.hpp).
#include "analysis/report/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace p2pcdn::analysis::svg {
namespace {

constexpr const char* kFont =
    "font-family=\"system-ui,-apple-system,'Segoe UI',Roboto,sans-serif\"";
constexpr double kCharWidth = 6.6;  // approximate width of a 12 px glyph, for layout

std::string num(double v) {  // SVG coordinate
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s == "-0" || s.rfind("-0.", 0) == 0) {  // no "-0" / "-0.0"
    bool all_zero = s.find_first_not_of("-0.") == std::string::npos;
    if (all_zero) s.erase(0, 1);
  }
  return s;
}

// Decimals needed to print multiples of `step` exactly.
int decimals_for(double step) {
  step = std::fabs(step);
  if (!(step > 0) || !std::isfinite(step)) return 0;
  for (int d = 0; d < 10; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 10;
}

std::string sig3(double v) {
  const double a = std::fabs(v);
  if (a >= 100 || a == 0) return fixed(v, 0);
  if (a >= 10) return fixed(v, 1);
  if (a >= 1) return fixed(v, 2);
  return fixed(v, 3);
}

std::string format_plain(double v, Format f) {
  if (!std::isfinite(v)) return "n/a";
  if (f == Format::kPercent) return fixed(v * 100, std::fabs(v) < 0.1 ? 2 : 1) + "%";
  if (f == Format::kLog10) return format_plain(std::pow(10.0, v), Format::kNumber);
  const double a = std::fabs(v);
  if (a >= 1e9) return sig3(v / 1e9) + "G";
  if (a >= 1e6) return sig3(v / 1e6) + "M";
  if (a >= 1e4) return sig3(v / 1e3) + "k";
  return sig3(v);
}

std::string format_value(double v, Format f, double step) {
  if (f == Format::kPercent) return format_tick(v * 100, step * 100) + "%";
  if (f == Format::kLog10) return format_plain(std::pow(10.0, v), Format::kNumber);
  return format_tick(v, step);
}

std::string color_for(const std::string& requested, std::size_t i) {
  if (!requested.empty()) return requested;
  const auto& p = palette();
  return p[i % p.size()];
}

// The drawing frame shared by every chart: title, legend, plot rectangle, axes.
struct Frame {
  double width, height;
  double x0, x1, y0, y1;  // plot rectangle in pixels
  Ticks xt, yt;
  Format xf = Format::kNumber, yf = Format::kNumber;

  double px(double x) const { return x0 + (x - xt.lo) / (xt.hi - xt.lo) * (x1 - x0); }
  double py(double y) const { return y1 - (y - yt.lo) / (yt.hi - yt.lo) * (y1 - y0); }
  double cx(double x) const { return std::clamp(px(x), x0, x1); }
  double cy(double y) const { return std::clamp(py(y), y0, y1); }
};

struct LegendItem {
  std::string name, color;
  bool dashed = false;
};

// Header (title, subtitle, legend); returns the y where the plot area may start.
double header(std::string& out, const ChartOptions& o, const std::vector<LegendItem>& legend,
              double left) {
  double y = 20;
  out += "<text x=\"" + num(left) + "\" y=\"" + num(y) +
         "\" font-size=\"14\" font-weight=\"600\" fill=\"#212529\">" + escape_xml(o.title) +
         "</text>";
  if (!o.subtitle.empty()) {
    y += 16;
    out += "<text x=\"" + num(left) + "\" y=\"" + num(y) + "\" font-size=\"11\" fill=\"#6c757d\">" +
           escape_xml(o.subtitle) + "</text>";
  }
  if (legend.size() > 1 || (legend.size() == 1 && !legend[0].name.empty())) {
    y += 20;
    double x = left;
    for (const auto& item : legend) {
      if (item.name.empty()) continue;  // e.g. the second edge of a band named once
      const double w = 16 + kCharWidth * static_cast<double>(item.name.size()) + 14;
      if (x + w > o.width - 8 && x > left) {
        x = left;
        y += 16;
      }
      if (item.dashed) {
        out += "<line x1=\"" + num(x) + "\" y1=\"" + num(y - 4) + "\" x2=\"" + num(x + 12) +
               "\" y2=\"" + num(y - 4) + "\" stroke=\"" + item.color +
               "\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>";
      } else {
        out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - 9) +
               "\" width=\"12\" height=\"10\" rx=\"2\" fill=\"" + item.color + "\"/>";
      }
      out += "<text x=\"" + num(x + 16) + "\" y=\"" + num(y) +
             "\" font-size=\"12\" fill=\"#343a40\">" + escape_xml(item.name) + "</text>";
      x += w;
    }
  }
  return y + 12;
}

std::string open_svg(const ChartOptions& o, double height) {
  // No xmlns: inline SVG in HTML5 needs none, and the report stays free of URLs.
  return "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(o.width) + " " + num(height) +
         "\" width=\"" + std::to_string(o.width) + "\" height=\"" + num(height) +
         "\" role=\"img\" aria-label=\"" + escape_xml(o.title) + "\" " + kFont + ">";
}

void range_of(const std::vector<Series>& series, bool use_x, double& lo, double& hi) {
  lo = std::numeric_limits<double>::infinity();
  hi = -std::numeric_limits<double>::infinity();
  for (const auto& s : series) {
    for (const double v : use_x ? s.x : s.y) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
}

// Builds the frame for data ranges and draws grid, ticks and axis labels.
Frame axes(std::string& out, const ChartOptions& o, double top, double xlo, double xhi, double ylo,
           double yhi, double height) {
  Frame f;
  f.width = o.width;
  f.height = height;
  f.xf = o.x.format;
  f.yf = o.y.format;
  if (!std::isfinite(xlo) || !std::isfinite(xhi)) xlo = 0, xhi = 1;
  if (!std::isfinite(ylo) || !std::isfinite(yhi)) ylo = 0, yhi = 1;
  f.xt = nice_ticks(o.x.min.value_or(xlo), o.x.max.value_or(xhi), 6);
  // A little headroom so a curve's peak never sits on the frame.
  f.yt = nice_ticks(o.y.min.value_or(std::min(0.0, ylo)),
                    o.y.max.value_or(yhi > 0 ? yhi * 1.04 : yhi), 5);
  // Fixed ends stay exact (e.g. a 0..100 % axis); data-driven ends round outwards.
  if (o.x.min) f.xt.lo = *o.x.min;
  if (o.x.max) f.xt.hi = *o.x.max;
  if (o.y.min) f.yt.lo = *o.y.min;
  if (o.y.max) f.yt.hi = *o.y.max;
  // Time axes read best without padding on the right: end at the data when it is close.
  if (!o.x.max && xhi > xlo && f.xt.hi - xhi < 0.5 * f.xt.step) f.xt.hi = xhi;
  if (f.xt.hi <= f.xt.lo) f.xt.hi = f.xt.lo + 1;
  if (f.yt.hi <= f.yt.lo) f.yt.hi = f.yt.lo + 1;

  double label_w = 0;
  for (const double v : f.yt.values) {
    label_w = std::max(label_w,
                       kCharWidth * static_cast<double>(format_value(v, f.yf, f.yt.step).size()));
  }
  f.x0 = std::max(44.0, label_w + 30);
  f.x1 = o.width - 16;
  f.y0 = top;
  f.y1 = height - 40;

  out += "<g font-size=\"11\" fill=\"#495057\">";
  for (const double v : f.yt.values) {
    if (v < f.yt.lo - 1e-12 || v > f.yt.hi + 1e-12) continue;
    const double y = f.py(v);
    out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(f.x1) + "\" y2=\"" +
           num(y) + "\" stroke=\"#e9ecef\"/>";
    out += "<text x=\"" + num(f.x0 - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" +
           format_value(v, f.yf, f.yt.step) + "</text>";
  }
  for (const double v : f.xt.values) {
    if (v < f.xt.lo - 1e-12 || v > f.xt.hi + 1e-12) continue;
    const double x = f.px(v);
    out += "<line x1=\"" + num(x) + "\" y1=\"" + num(f.y1) + "\" x2=\"" + num(x) + "\" y2=\"" +
           num(f.y1 + 4) + "\" stroke=\"#adb5bd\"/>";
    out += "<text x=\"" + num(x) + "\" y=\"" + num(f.y1 + 16) + "\" text-anchor=\"middle\">" +
           format_value(v, f.xf, f.xt.step) + "</text>";
  }
  out += "</g>";
  out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(f.y1) + "\" x2=\"" + num(f.x1) + "\" y2=\"" +
         num(f.y1) + "\" stroke=\"#adb5bd\"/>";
  out += "<text x=\"" + num((f.x0 + f.x1) / 2) + "\" y=\"" + num(height - 8) +
         "\" font-size=\"12\" fill=\"#495057\" text-anchor=\"middle\">" + escape_xml(o.x.label) +
         "</text>";
  out += "<text transform=\"translate(13 " + num((f.y0 + f.y1) / 2) +
         ") rotate(-90)\" font-size=\"12\" fill=\"#495057\" text-anchor=\"middle\">" +
         escape_xml(o.y.label) + "</text>";
  return f;
}

std::string clip_open(const Frame& f, const std::string& id) {
  return "<clipPath id=\"" + id + "\"><rect x=\"" + num(f.x0) + "\" y=\"" + num(f.y0 - 1) +
         "\" width=\"" + num(f.x1 - f.x0) + "\" height=\"" + num(f.y1 - f.y0 + 2) +
         "\"/></clipPath><g clip-path=\"url(#" + id + ")\">";
}

// Unique-per-document ids for clip paths: derived from content so output stays deterministic.
std::string clip_id(const ChartOptions& o, const char* kind) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const char c : o.title + kind) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "c%012llx",
                static_cast<unsigned long long>(h & 0xffffffffffffULL));
  return buf;
}

std::string empty_note(const Frame& f) {
  return "<text x=\"" + num((f.x0 + f.x1) / 2) + "\" y=\"" + num((f.y0 + f.y1) / 2) +
         "\" font-size=\"12\" fill=\"#adb5bd\" text-anchor=\"middle\">no data</text>";
}

}  // namespace

// ---------------------------------------------------------------- axis arithmetic

Ticks nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(hi))) {
    if (hi == 0) {
      lo = 0;
      hi = 1;
    } else {
      const double d = std::fabs(hi) * 0.5;
      lo = (lo >= 0 && lo - d < 0) ? 0 : lo - d;
      hi += d;
    }
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  // d3's thresholds: the step whose tick count is closest to the target.
  const double mult = f >= std::sqrt(50.0)   ? 10
                      : f >= std::sqrt(10.0) ? 5
                      : f >= std::sqrt(2.0)  ? 2
                                             : 1;
  Ticks t;
  t.step = mult * mag;
  const double lo_i = std::floor(lo / t.step + 1e-9);
  const double hi_i = std::ceil(hi / t.step - 1e-9);
  const int decimals = decimals_for(t.step);
  const double snap = std::pow(10.0, decimals);
  for (double i = lo_i; i <= hi_i + 0.5; i += 1) {
    t.values.push_back(std::round(i * t.step * snap) / snap);  // 0.3, not 0.30000000000000004
  }
  t.lo = t.values.front();
  t.hi = t.values.back();
  return t;
}

std::string format_tick(double value, double step) {
  if (!std::isfinite(value)) return "n/a";
  step = std::fabs(step);
  if (step > 0 && std::fabs(value) < step * 1e-9) value = 0;
  double div = 1;
  const char* suffix = "";
  const double a = std::fabs(value);
  if (a >= 1e9) {
    div = 1e9;
    suffix = "G";
  } else if (a >= 1e6) {
    div = 1e6;
    suffix = "M";
  } else if (a >= 1e4) {
    div = 1e3;
    suffix = "k";
  }
  const double v = value / div;
  // Enough decimals for both the step and the value (a value off the step grid keeps its digits).
  const int d = std::min(6, std::max(decimals_for(step / div), decimals_for(v)));
  return fixed(v, d) + suffix;
}

UnitScale bitrate_scale_gbps(double max_gbps) {
  const double m = std::isfinite(max_gbps) ? std::fabs(max_gbps) : 0;
  if (m >= 1000) return {1000, "Tbit/s"};
  if (m >= 1) return {1, "Gbit/s"};
  if (m >= 1e-3) return {1e-3, "Mbit/s"};
  if (m == 0) return {1, "Gbit/s"};
  return {1e-6, "kbit/s"};
}

UnitScale time_scale_s(double max_s) {
  const double m = std::isfinite(max_s) ? std::fabs(max_s) : 0;
  if (m >= 3 * 3600) return {3600, "h"};
  if (m >= 180) return {60, "min"};
  return {1, "s"};
}

UnitScale bytes_scale(double max_bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  double div = 1;
  int i = 0;
  const double m = std::isfinite(max_bytes) ? std::fabs(max_bytes) : 0;
  while (i < 6 && m >= div * 1000) {
    div *= 1000;
    ++i;
  }
  return {div, kUnits[i]};
}

std::string format_with_unit(double value, const UnitScale& scale) {
  if (!std::isfinite(value)) return "n/a";
  return sig3(value / scale.divisor) + " " + scale.unit;
}

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const std::vector<std::string>& palette() {
  static const std::vector<std::string> kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                    "#56B4E9", "#D55E00", "#F0E442", "#000000"};
  return kPalette;
}

// ---------------------------------------------------------------- charts

std::string line_chart(const ChartOptions& o, const std::vector<Series>& series,
                       const std::vector<HLine>& hlines) {
  std::string out = open_svg(o, o.height);
  std::vector<LegendItem> legend;
  for (std::size_t i = 0; i < series.size(); ++i) {
    legend.push_back({series[i].name, color_for(series[i].color, i), series[i].dashed});
  }
  for (const auto& h : hlines) legend.push_back({h.label, h.color, true});
  const double top = header(out, o, legend, 8);
  double xlo, xhi, ylo, yhi;
  range_of(series, true, xlo, xhi);
  range_of(series, false, ylo, yhi);
  for (const auto& h : hlines) {
    if (std::isfinite(h.y)) ylo = std::min(ylo, h.y), yhi = std::max(yhi, h.y);
  }
  const Frame f = axes(out, o, top, xlo, xhi, ylo, yhi, o.height);
  if (!std::isfinite(xlo)) out += empty_note(f);
  out += clip_open(f, clip_id(o, "line"));
  for (const auto& h : hlines) {
    if (!std::isfinite(h.y)) continue;
    out += "<line x1=\"" + num(f.x0) + "\" y1=\"" + num(f.py(h.y)) + "\" x2=\"" + num(f.x1) +
           "\" y2=\"" + num(f.py(h.y)) + "\" stroke=\"" + h.color +
           "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>";
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    if (s.markers) {
      for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
        if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) continue;
        out += "<circle cx=\"" + num(f.px(s.x[k])) + "\" cy=\"" + num(f.py(s.y[k])) +
               "\" r=\"3\" fill=\"" + color_for(s.color, i) + "\" fill-opacity=\"0.7\"/>";
      }
      continue;
    }
    std::string d;
    bool pen = false;
    for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) {
        pen = false;
        continue;
      }
      d += pen ? 'L' : 'M';
      d += num(f.px(s.x[k]));
      d += ' ';
      d += num(f.py(s.y[k]));
      pen = true;
    }
    if (d.empty()) continue;
    out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + color_for(s.color, i) +
           "\" stroke-width=\"2\" stroke-linejoin=\"round\"" +
           (s.dashed ? " stroke-dasharray=\"6 3\"" : "") + "/>";
  }
  out += "</g></svg>";
  return out;
}

std::string stacked_area_chart(const ChartOptions& o, const std::vector<Series>& layers,
                               const std::vector<Series>& lines) {
  std::string out = open_svg(o, o.height);
  std::vector<LegendItem> legend;
  for (std::size_t i = 0; i < lines.size(); ++i)
    legend.push_back({lines[i].name, color_for(lines[i].color, i), lines[i].dashed});
  // Legend lists the top layer first, as the eye reads the stack.
  for (std::size_t i = layers.size(); i-- > 0;)
    legend.push_back({layers[i].name, color_for(layers[i].color, i)});
  const double top = header(out, o, legend, 8);
  const std::vector<double> empty;
  const std::vector<double>& xs = layers.empty() ? empty : layers[0].x;
  std::vector<std::vector<double>> cum(layers.size(), std::vector<double>(xs.size(), 0.0));
  double yhi = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    for (std::size_t k = 0; k < xs.size(); ++k) {
      const double v = k < layers[l].y.size() && std::isfinite(layers[l].y[k])
                           ? std::max(0.0, layers[l].y[k])
                           : 0.0;
      cum[l][k] = (l > 0 ? cum[l - 1][k] : 0.0) + v;
      yhi = std::max(yhi, cum[l][k]);
    }
  }
  for (const Series& line : lines)
    for (const double y : line.y)
      if (std::isfinite(y)) yhi = std::max(yhi, y);
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo;
  for (const double x : xs) xlo = std::min(xlo, x), xhi = std::max(xhi, x);
  const Frame f = axes(out, o, top, xlo, xhi, 0, yhi, o.height);
  if (xs.empty()) out += empty_note(f);
  out += clip_open(f, clip_id(o, "stack"));
  for (std::size_t l = 0; l < layers.size() && !xs.empty(); ++l) {
    std::string pts;
    for (std::size_t k = 0; k < xs.size(); ++k)
      pts += num(f.px(xs[k])) + "," + num(f.py(cum[l][k])) + " ";
    for (std::size_t k = xs.size(); k-- > 0;) {
      pts += num(f.px(xs[k])) + "," + num(f.py(l > 0 ? cum[l - 1][k] : 0.0)) + " ";
    }
    const std::string c = color_for(layers[l].color, l);
    out += "<polygon points=\"" + pts + "\" fill=\"" + c + "\" fill-opacity=\"0.8\" stroke=\"" + c +
           "\" stroke-width=\"1\"/>";
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Series& line = lines[i];
    std::string pts;
    for (std::size_t k = 0; k < std::min(line.x.size(), line.y.size()); ++k) {
      if (!std::isfinite(line.y[k])) continue;
      pts += num(f.px(line.x[k])) + "," + num(f.py(line.y[k])) + " ";
    }
    out += "<polyline class=\"envelope\" points=\"" + pts + "\" fill=\"none\" stroke=\"" +
           color_for(line.color, i) + "\" stroke-width=\"1.5\"" +
           (line.dashed ? " stroke-dasharray=\"4 2\"" : "") + "/>";
  }
  out += "</g></svg>";
  return out;
}

std::string cdf_chart(const ChartOptions& o, const std::vector<Series>& series) {
  ChartOptions co = o;
  if (!co.y.min) co.y.min = 0.0;
  if (!co.y.max) co.y.max = 1.0;
  co.y.format = Format::kPercent;
  std::string out = open_svg(co, co.height);
  std::vector<LegendItem> legend;
  for (std::size_t i = 0; i < series.size(); ++i)
    legend.push_back({series[i].name, color_for(series[i].color, i)});
  const double top = header(out, co, legend, 8);
  double xlo, xhi;
  range_of(series, true, xlo, xhi);
  if (std::isfinite(xlo) && !co.x.min) xlo = std::min(0.0, xlo);
  const Frame f = axes(out, co, top, xlo, xhi, 0, 1, co.height);
  if (!std::isfinite(xlo)) out += empty_note(f);
  out += clip_open(f, clip_id(co, "cdf"));
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    std::string d;
    double prev_p = 0;
    for (std::size_t k = 0; k < std::min(s.x.size(), s.y.size()); ++k) {
      if (!std::isfinite(s.x[k]) || !std::isfinite(s.y[k])) continue;
      const double x = f.cx(s.x[k]);
      if (d.empty()) {
        d += 'M';
        d += num(x);
        d += ' ';
        d += num(f.py(0));
      }
      // Points are quantiles of a continuous quantity: join them with straight segments
      // (a vertical run where many viewers share a value, e.g. rebuffering 0).
      d += 'L';
      d += num(x);
      d += ' ';
      d += num(f.py(s.y[k]));
      prev_p = s.y[k];
    }
    if (d.empty()) continue;
    // Appended piece by piece: GCC 12 reports a false -Wrestrict on "L" + std::string at -O3.
    d += 'L';
    d += num(f.x1);
    d += ' ';
    d += num(f.py(prev_p));
    out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + color_for(s.color, i) +
           "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>";
  }
  out += "</g></svg>";
  return out;
}

std::string hbar_chart(const ChartOptions& o, const std::vector<Bar>& bars) {
  constexpr double kRow = 26;
  std::string out;
  std::string body;
  const double top = header(body, o, {}, 8);
  double label_w = 0;
  for (const auto& b : bars)
    label_w = std::max(label_w, kCharWidth * static_cast<double>(b.label.size()));
  const double x0 = std::min(8 + label_w + 10, o.width * 0.35);
  double text_w = 0;
  for (const auto& b : bars) {
    const std::string t = format_plain(b.value, o.x.format) + "  " + b.note;
    text_w = std::max(text_w, kCharWidth * static_cast<double>(t.size()));
  }
  const double x1 = o.width - std::min(o.width * 0.4, text_w + 16);  // room for the value text
  const double height =
      top + kRow * static_cast<double>(std::max<std::size_t>(bars.size(), 1)) + 36;
  double hi = 0;
  for (const auto& b : bars) {
    if (std::isfinite(b.value)) hi = std::max(hi, b.value);
  }
  Ticks t = nice_ticks(o.x.min.value_or(0.0), o.x.max.value_or(hi), 4);
  if (o.x.max) t.hi = *o.x.max;
  if (o.x.min) t.lo = *o.x.min;
  const auto px = [&](double v) {
    return x0 + (std::clamp(v, t.lo, t.hi) - t.lo) / (t.hi - t.lo) * (x1 - x0);
  };
  const double y_axis = top + kRow * static_cast<double>(bars.size());
  body += "<g font-size=\"11\" fill=\"#495057\">";
  for (const double v : t.values) {
    if (v < t.lo - 1e-12 || v > t.hi + 1e-12) continue;
    body += "<line x1=\"" + num(px(v)) + "\" y1=\"" + num(top - 4) + "\" x2=\"" + num(px(v)) +
            "\" y2=\"" + num(y_axis) + "\" stroke=\"#e9ecef\"/>";
    body += "<text x=\"" + num(px(v)) + "\" y=\"" + num(y_axis + 14) +
            "\" text-anchor=\"middle\">" + format_value(v, o.x.format, t.step) + "</text>";
  }
  body += "</g>";
  if (!o.x.label.empty()) {
    body += "<text x=\"" + num((x0 + x1) / 2) + "\" y=\"" + num(y_axis + 30) +
            "\" font-size=\"12\" fill=\"#495057\" text-anchor=\"middle\">" + escape_xml(o.x.label) +
            "</text>";
  }
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const double y = top + kRow * static_cast<double>(i);
    body += "<text x=\"" + num(x0 - 8) + "\" y=\"" + num(y + kRow / 2 + 4) +
            "\" font-size=\"12\" fill=\"#343a40\" text-anchor=\"end\">" + escape_xml(b.label) +
            "</text>";
    double end = x0;
    if (std::isfinite(b.value)) {
      end = px(b.value);
      body += "<rect x=\"" + num(x0) + "\" y=\"" + num(y + 4) + "\" width=\"" +
              num(std::max(0.0, end - x0)) + "\" height=\"" + num(kRow - 8) +
              "\" rx=\"3\" fill=\"" + color_for(b.color, 0) + "\"/>";
    }
    std::string text = format_plain(b.value, o.x.format);
    if (!b.note.empty()) text += "  " + b.note;
    body += "<text x=\"" + num(end + 6) + "\" y=\"" + num(y + kRow / 2 + 4) +
            "\" font-size=\"12\" fill=\"#212529\">" + escape_xml(text) + "</text>";
  }
  body += "<line x1=\"" + num(x0) + "\" y1=\"" + num(top - 4) + "\" x2=\"" + num(x0) + "\" y2=\"" +
          num(y_axis) + "\" stroke=\"#adb5bd\"/>";
  out = open_svg(o, height) + body + "</svg>";
  return out;
}

}  // namespace p2pcdn::analysis::svg
