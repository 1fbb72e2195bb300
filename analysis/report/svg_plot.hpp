// Small self-contained SVG chart renderer for report.html: line charts, stacked
// areas, CDF step plots and horizontal bars, with nice round axis ticks, units,
// legend and title. Output is an inline <svg> string; it must never reference
// anything external (no fonts, scripts, images or URLs).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::analysis::svg {

// ---- axis arithmetic (pure, tested)

struct Ticks {
  double lo = 0, hi = 1;  // axis range, widened to multiples of step
  double step = 0.2;      // 1, 2 or 5 x 10^k
  std::vector<double> values;
};
// Round ticks covering [lo, hi] with about `target` intervals (>= 2). A degenerate or
// non-finite range is widened around its value ([0, 1] if nothing is known).
Ticks nice_ticks(double lo, double hi, int target = 5);

// Tick label with as many decimals as `step` needs ("0.2", "15", "2.5"), with k/M/G
// suffixes for large values ("1.5M"). Never prints float noise like 0.30000000000000004.
std::string format_tick(double value, double step);

// Display unit for a set of values, e.g. Gbit/s data shown in Tbit/s.
struct UnitScale {
  double divisor = 1;  // shown value = value / divisor
  std::string unit;
};
UnitScale bitrate_scale_gbps(double max_gbps);  // kbit/s, Mbit/s, Gbit/s or Tbit/s
UnitScale time_scale_s(double max_s);           // s, min or h
UnitScale bytes_scale(double max_bytes);        // B, kB, MB, GB, TB, PB (powers of 1000)

// "12.3 Tbit/s", "4.56 TB": three significant digits in the chosen unit.
std::string format_with_unit(double value, const UnitScale& scale);

std::string escape_xml(std::string_view s);

// ---- charts

// kPercent: 0.25 is shown as "25%". kLog10: the data are log10 of the quantity and ticks show
// the quantity itself (3 -> "1k", 3.5 -> "3.16k"), for log-log charts.
enum class Format { kNumber, kPercent, kLog10 };

struct Axis {
  std::string label;  // include the unit: "time (min)", "egress (Tbit/s)"
  Format format = Format::kNumber;
  std::optional<double> min, max;  // fixed range; otherwise from the data (y from 0)
};

struct ChartOptions {
  std::string title;
  std::string subtitle;  // a short note under the title
  Axis x, y;
  int width = 640, height = 300;
};

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points break the line
  std::string color;         // empty: the palette colour for its position
  bool dashed = false;
  bool markers = false;  // a dot per point and no line (e.g. one sample per replication)
};

struct HLine {  // a labelled horizontal reference line (e.g. overall offload)
  double y;
  std::string label;
  std::string color = "#495057";
};

// The palette, colour-blind safe (Okabe-Ito order).
const std::vector<std::string>& palette();

std::string line_chart(const ChartOptions& options, const std::vector<Series>& series,
                       const std::vector<HLine>& hlines = {});
// Layers stacked bottom-up in the given order; every layer's x must equal layers[0].x. `lines`
// are drawn over the stack, unstacked (e.g. the busiest interval per pixel as an envelope), and
// count in the y range.
std::string stacked_area_chart(const ChartOptions& options, const std::vector<Series>& layers,
                               const std::vector<Series>& lines = {});
// x: values, y: cumulative probability (0..1, non-decreasing), e.g. a sketch's quantile
// points; drawn as a curve from probability 0 at the first value.
std::string cdf_chart(const ChartOptions& options, const std::vector<Series>& series);

struct Bar {
  std::string label;
  double value = 0;  // non-finite: drawn as "n/a"
  std::string note;  // shown after the value, e.g. "12.3k viewers"
  std::string color;
};
// Horizontal bars; the x axis (options.x) gives the value format and optional range.
std::string hbar_chart(const ChartOptions& options, const std::vector<Bar>& bars);

}  // namespace p2pcdn::analysis::svg
