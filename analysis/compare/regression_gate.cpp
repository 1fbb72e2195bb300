// Regression gate: per-metric verdicts under direction + tolerance rules, and the table.
#include "analysis/compare/regression_gate.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace p2pcdn::analysis {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

Verdict judge(const MetricRule& rule, double base, double cur, double relative) {
  if (std::fabs(cur - base) <= rule.min_abs_change) return Verdict::kOk;
  const double change = rule.kind == ToleranceKind::kAbsolute ? cur - base : relative;
  switch (rule.direction) {
    case Direction::kHigherIsBetter:
      if (change < -rule.tolerance) return Verdict::kRegressed;
      if (change > rule.tolerance) return Verdict::kImproved;
      return Verdict::kOk;
    case Direction::kLowerIsBetter:
      if (change > rule.tolerance) return Verdict::kRegressed;
      if (change < -rule.tolerance) return Verdict::kImproved;
      return Verdict::kOk;
    case Direction::kUnchanged:
      return std::fabs(change) > rule.tolerance ? Verdict::kRegressed : Verdict::kOk;
    case Direction::kInformational:
      return Verdict::kOk;
  }
  return Verdict::kOk;
}

}  // namespace

MetricRule default_rule(std::string_view metric) {
  const std::string name = lower(metric);
  if (contains(name, "offload")) {
    return {Direction::kHigherIsBetter, ToleranceKind::kAbsolute, 0.01, 0.0};
  }
  if (contains(name, "rebuffer") || contains(name, "stall")) {
    return {Direction::kLowerIsBetter, ToleranceKind::kRelative, 0.05, 1e-4};
  }
  if (contains(name, "cdn") &&
      (contains(name, "peak") || contains(name, "p95") || contains(name, "egress"))) {
    return {Direction::kLowerIsBetter, ToleranceKind::kRelative, 0.05, 0.0};
  }
  if (contains(name, "event")) {
    return {Direction::kUnchanged, ToleranceKind::kRelative, 0.01, 0.0};
  }
  return {Direction::kInformational, ToleranceKind::kRelative, 0.0, 0.0};
}

Direction preferred_direction(std::string_view metric) {
  const std::string name = lower(metric);
  // Bounds describe the audience, not the scheduler (as does the baseline's cost); audience and
  // event counts are neither better nor worse.
  if (name.rfind("bounds.", 0) == 0 || contains(name, "baseline")) return Direction::kInformational;
  const MetricRule rule = default_rule(metric);
  if (rule.direction == Direction::kHigherIsBetter || rule.direction == Direction::kLowerIsBetter)
    return rule.direction;
  for (const char* higher : {"bitrate_kbps", "success_rate", "saving", "viewer_offload"}) {
    if (contains(name, higher)) return Direction::kHigherIsBetter;
  }
  for (const char* lower_better : {"startup", "switches", "never_started", "fallback", "reject",
                                   "timed_out", "cdn", "turn", "server", "usd"}) {
    if (contains(name, lower_better)) return Direction::kLowerIsBetter;
  }
  return Direction::kInformational;
}

int change_quality(std::string_view metric, double delta) {
  if (!(delta != 0.0) || std::isnan(delta)) return 0;
  switch (preferred_direction(metric)) {
    case Direction::kHigherIsBetter:
      return delta > 0 ? 1 : -1;
    case Direction::kLowerIsBetter:
      return delta < 0 ? 1 : -1;
    default:
      return 0;
  }
}

ToleranceOverride parse_tolerance(std::string_view spec) {
  const auto eq = spec.find('=');
  const auto bad = [&](const char* why) {
    return std::invalid_argument(
        fmt::format("--tolerance '{}': {} (expected metric=value, "
                    "e.g. offload=0.02 or cdn.peak_bps=10%)",
                    spec, why));
  };
  if (eq == std::string_view::npos || eq == 0) throw bad("missing metric name or '='");
  std::string_view value = spec.substr(eq + 1);
  bool percent = false;
  if (!value.empty() && value.back() == '%') {
    percent = true;
    value.remove_suffix(1);
  }
  double v = 0.0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
    throw bad("value is not a number");
  }
  if (!(v >= 0.0) || !std::isfinite(v)) throw bad("value must be a finite number >= 0");
  return {std::string(spec.substr(0, eq)), percent ? v / 100.0 : v};
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kRegressed:
      return "REGRESSED";
    case Verdict::kMissing:
      return "MISSING";
    case Verdict::kNew:
      return "new";
  }
  return "?";
}

CompareResult compare_metrics(const MetricMap& baseline, const MetricMap& current,
                              const CompareOptions& options) {
  std::vector<std::string> names;
  for (const auto& [name, value] : baseline) names.push_back(name);
  for (const auto& [name, value] : current) {
    if (!baseline.contains(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());

  CompareResult result;
  for (const std::string& name : names) {
    CompareRow row;
    row.metric = name;
    const auto rule_it = options.rules.find(name);
    row.rule = rule_it != options.rules.end() ? rule_it->second : default_rule(name);
    const auto tol_it = options.tolerances.find(name);
    if (tol_it != options.tolerances.end()) row.rule.tolerance = tol_it->second;
    // NaN (null in JSON) counts as absent.
    if (const auto it = baseline.find(name); it != baseline.end() && !std::isnan(it->second)) {
      row.baseline = it->second;
    }
    if (const auto it = current.find(name); it != current.end() && !std::isnan(it->second)) {
      row.current = it->second;
    }
    if (row.baseline && !row.current) {
      row.verdict = Verdict::kMissing;
    } else if (!row.baseline) {
      row.verdict = Verdict::kNew;
    } else {
      const double base = *row.baseline, cur = *row.current;
      row.delta = cur - base;
      if (base != 0.0) {
        row.relative_delta = row.delta / std::fabs(base);
      } else if (row.delta != 0.0) {
        row.relative_delta = std::copysign(std::numeric_limits<double>::infinity(), row.delta);
      }
      row.verdict = judge(row.rule, base, cur, row.relative_delta);
    }
    if (row.verdict == Verdict::kRegressed) ++result.regressed;
    // A vanished gated metric could hide a regression; a vanished informational one cannot.
    if (row.verdict == Verdict::kMissing && row.rule.direction != Direction::kInformational) {
      ++result.missing;
    }
    if (row.verdict == Verdict::kImproved) ++result.improved;
    result.rows.push_back(std::move(row));
  }
  return result;
}

std::string format_table(const CompareResult& result) {
  const auto value = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.6g}", *v) : std::string("-");
  };
  std::size_t width = 6;
  for (const auto& row : result.rows) width = std::max(width, row.metric.size());
  std::string out = fmt::format("{:<{}}  {:>14}  {:>14}  {:>22}  {:>16}  {}\n", "metric", width,
                                "baseline", "current", "delta", "tolerance", "verdict");
  for (const auto& row : result.rows) {
    std::string delta = "-";
    if (row.baseline && row.current) {
      delta = fmt::format("{:+.6g}", row.delta);
      if (row.baseline != 0.0) delta += fmt::format(" ({:+.2f}%)", 100.0 * row.relative_delta);
    }
    std::string tolerance = "-";
    if (row.rule.direction != Direction::kInformational) {
      const char* sign = row.rule.direction == Direction::kHigherIsBetter  ? "-"
                         : row.rule.direction == Direction::kLowerIsBetter ? "+"
                                                                           : "+-";
      tolerance = row.rule.kind == ToleranceKind::kAbsolute
                      ? fmt::format("{}{:.6g}", sign, row.rule.tolerance)
                      : fmt::format("{}{:.6g}%", sign, 100.0 * row.rule.tolerance);
    }
    out += fmt::format("{:<{}}  {:>14}  {:>14}  {:>22}  {:>16}  {}\n", row.metric, width,
                       value(row.baseline), value(row.current), delta, tolerance,
                       to_string(row.verdict));
  }
  if (result.passed()) {
    out += fmt::format("PASS: {} metrics, {} improved, none regressed\n", result.rows.size(),
                       result.improved);
  } else {
    out += fmt::format("FAIL: {} regressed, {} missing (of {} metrics)\n", result.regressed,
                       result.missing, result.rows.size());
  }
  return out;
}

}  // namespace p2pcdn::analysis
