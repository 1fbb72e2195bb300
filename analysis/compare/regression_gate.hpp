// The CI regression gate behind `check BASELINE.json CURRENT.json [--tolerance metric=...]`:
// compares two flat metric maps under per-metric directions and tolerances and gives a verdict
// per metric and overall. Takes plain maps: must never parse JSON or run the simulator.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::analysis {

enum class Direction {
  kHigherIsBetter,  // offload: regression when it drops by more than the tolerance
  kLowerIsBetter,   // rebuffering ratio, CDN peak: regression when it rises
  kUnchanged,       // event count: regression when it moves either way
  kInformational    // shown, never fails the gate
};

enum class ToleranceKind {
  kAbsolute,  // on current - baseline, in the metric's unit (offload fraction: 0.01 = 1 point)
  kRelative   // on (current - baseline) / |baseline|
};

struct MetricRule {
  Direction direction = Direction::kInformational;
  ToleranceKind kind = ToleranceKind::kRelative;
  double tolerance = 0.0;
  // Changes with |current - baseline| <= this are ignored (e.g. a rebuffering ratio going from 0
  // to 1e-6 is an infinite relative rise but no regression).
  double min_abs_change = 0.0;
};

// Default rules by metric name (lower-cased substring match, first match wins):
//   "offload"                             higher is better, absolute 0.01 (offload as a fraction)
//   "rebuffer" or "stall"                 lower is better, relative 5 %, ignore |change| <= 1e-4
//   "cdn" with "peak", "p95" or "egress"  lower is better, relative 5 %
//   "event"                               unchanged, relative 1 %
//   anything else                         informational
MetricRule default_rule(std::string_view metric);

// Which way is better for a metric, for display (compare.html, the compare table, check's
// reports): the gate's direction where it has one (offload, rebuffering, stalls, CDN peak), else
// by name: start-up time, bitrate switches, never-started share, CDN/TURN/server bytes and
// egress, fallbacks, rejections and cost lower is better; average bitrate, success rates, savings
// and viewer offload higher is better; anything else (bounds, audience, events) kInformational.
// Never kUnchanged.
Direction preferred_direction(std::string_view metric);

// -1 when a change of `delta` (current - baseline, or B - A) makes the metric worse, +1 when
// better, 0 when the metric has no better direction or delta is 0 (or NaN).
int change_quality(std::string_view metric, double delta);

// `--tolerance metric=value` with an optional '%' suffix (value / 100); the kind and direction
// stay those of the metric's rule. Throws std::invalid_argument naming the bad spec.
struct ToleranceOverride {
  std::string metric;
  double tolerance = 0.0;
};
ToleranceOverride parse_tolerance(std::string_view spec);

struct CompareOptions {
  std::map<std::string, MetricRule, std::less<>> rules;   // exact-name rules, before defaults
  std::map<std::string, double, std::less<>> tolerances;  // exact-name tolerance overrides
  void add(const ToleranceOverride& o) { tolerances[o.metric] = o.tolerance; }
};

enum class Verdict {
  kOk,
  kImproved,
  kRegressed,
  kMissing,  // in the baseline but absent (or NaN) now: fails the gate unless informational
  kNew       // absent (or NaN) in the baseline: shown, does not fail
};
const char* to_string(Verdict verdict);

struct CompareRow {
  std::string metric;
  std::optional<double> baseline;
  std::optional<double> current;
  double delta = 0.0;           // current - baseline (0 when one side is missing)
  double relative_delta = 0.0;  // delta / |baseline|; +-inf if baseline is 0 and delta is not
  MetricRule rule;
  Verdict verdict = Verdict::kOk;
};

struct CompareResult {
  std::vector<CompareRow> rows;  // sorted by metric name
  std::size_t regressed = 0;
  std::size_t missing = 0;  // gated (non-informational) metrics only
  std::size_t improved = 0;
  bool passed() const { return regressed == 0 && missing == 0; }
};

using MetricMap = std::map<std::string, double, std::less<>>;

CompareResult compare_metrics(const MetricMap& baseline, const MetricMap& current,
                              const CompareOptions& options = {});

// A fixed-width table for the terminal: one row per metric, then the overall verdict line.
std::string format_table(const CompareResult& result);

}  // namespace p2pcdn::analysis
