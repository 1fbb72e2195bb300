// JUnit XML and JSON forms of the regression gate's verdict.
#include "analysis/compare/gate_report.hpp"

#include <cmath>

#include <fmt/format.h>

namespace p2pcdn::analysis {
namespace {

std::string xml(std::string_view s) {
  std::string out;
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
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::kHigherIsBetter:
      return "higher_is_better";
    case Direction::kLowerIsBetter:
      return "lower_is_better";
    case Direction::kUnchanged:
      return "unchanged";
    case Direction::kInformational:
      return "informational";
  }
  return "?";
}

std::string value(const std::optional<double>& v) {
  return v ? fmt::format("{:.9g}", *v) : std::string("-");
}

bool fails(const CompareRow& row) {
  return row.verdict == Verdict::kRegressed ||
         (row.verdict == Verdict::kMissing && row.rule.direction != Direction::kInformational);
}

io::Json optional_number(const std::optional<double>& v) { return v ? io::Json(*v) : io::Json(); }

}  // namespace

std::string gate_junit_xml(const CompareResult& result, const GateReportInfo& info) {
  std::size_t failures = 0, skipped = 0;
  for (const auto& row : result.rows) {
    if (fails(row)) ++failures;
    if (!fails(row) && row.rule.direction == Direction::kInformational) ++skipped;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"p2pcdn-sim check\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" "
      "skipped=\"{2}\">\n  <testsuite name=\"p2pcdn-sim check {3}\" tests=\"{0}\" "
      "failures=\"{1}\" errors=\"0\" skipped=\"{2}\">\n",
      result.rows.size(), failures, skipped, xml(info.current_scenario));
  out += "    <properties>\n";
  out += fmt::format("      <property name=\"baseline\" value=\"{}\"/>\n", xml(info.baseline_path));
  out += fmt::format("      <property name=\"current\" value=\"{}\"/>\n", xml(info.current_path));
  out += fmt::format("      <property name=\"baseline_scenario\" value=\"{}\"/>\n",
                     xml(info.baseline_scenario));
  out += fmt::format("      <property name=\"current_scenario\" value=\"{}\"/>\n",
                     xml(info.current_scenario));
  out += "    </properties>\n";
  for (const auto& row : result.rows) {
    out += fmt::format("    <testcase classname=\"p2pcdn-sim.check\" name=\"{}\"", xml(row.metric));
    const std::string detail = fmt::format(
        "baseline {} current {} delta {:+.6g} ({}, tolerance {:.6g} {})", value(row.baseline),
        value(row.current), row.delta, direction_name(row.rule.direction), row.rule.tolerance,
        row.rule.kind == ToleranceKind::kAbsolute ? "absolute" : "relative");
    if (fails(row)) {
      out += fmt::format(
          ">\n      <failure type=\"{}\" message=\"{} {}\">{}</failure>\n    "
          "</testcase>\n",
          to_string(row.verdict), xml(row.metric), to_string(row.verdict), xml(detail));
    } else if (row.rule.direction == Direction::kInformational) {
      out += fmt::format(">\n      <skipped message=\"informational: {}\"/>\n    </testcase>\n",
                         xml(detail));
    } else {
      out += fmt::format(">\n      <system-out>{} {}</system-out>\n    </testcase>\n",
                         to_string(row.verdict), xml(detail));
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

io::Json gate_json(const CompareResult& result, const GateReportInfo& info) {
  io::Json root = io::Json::object();
  root.set("schema", "p2pcdn-sim/check/1");
  root.set("passed", result.passed());
  root.set("regressed", result.regressed);
  root.set("missing", result.missing);
  root.set("improved", result.improved);
  io::Json base = io::Json::object();
  base.set("path", info.baseline_path);
  base.set("scenario", info.baseline_scenario);
  root.set("baseline", std::move(base));
  io::Json cur = io::Json::object();
  cur.set("path", info.current_path);
  cur.set("scenario", info.current_scenario);
  root.set("current", std::move(cur));
  io::Json metrics = io::Json::array();
  for (const auto& row : result.rows) {
    io::Json m = io::Json::object();
    m.set("metric", row.metric);
    m.set("baseline", optional_number(row.baseline));
    m.set("current", optional_number(row.current));
    const bool both = row.baseline && row.current;
    m.set("delta", both ? io::Json(row.delta) : io::Json());
    m.set("relative_delta",
          both && std::isfinite(row.relative_delta) ? io::Json(row.relative_delta) : io::Json());
    m.set("direction", direction_name(row.rule.direction));
    m.set("tolerance", row.rule.tolerance);
    m.set("tolerance_kind", row.rule.kind == ToleranceKind::kAbsolute ? "absolute" : "relative");
    m.set("verdict", to_string(row.verdict));
    m.set("fails", fails(row));
    metrics.push(std::move(m));
  }
  root.set("metrics", std::move(metrics));
  return root;
}

}  // namespace p2pcdn::analysis
