// The regression gate's verdict for CI systems: JUnit XML (one test case per metric, a failure
// per regressed or missing gated metric) and JSON (every row and the overall verdict). Takes a
// CompareResult: never parses, runs or writes anything.
#pragma once
#include <string>

#include "analysis/compare/regression_gate.hpp"
#include "analysis/io/json.hpp"

namespace p2pcdn::analysis {

struct GateReportInfo {
  std::string baseline_path, current_path;
  std::string baseline_scenario, current_scenario;  // scenario.name of each side
};

// <testsuites><testsuite name="p2pcdn-sim check" tests=N failures=F> with one
// <testcase classname="p2pcdn-sim.check" name=METRIC>, a <failure> for REGRESSED and for a
// gated metric that went MISSING, <skipped/> for informational metrics.
std::string gate_junit_xml(const CompareResult& result, const GateReportInfo& info);

// {"schema": "p2pcdn-sim/check/1", "passed", "regressed", "missing", "improved", "baseline",
// "current", "metrics": [{"metric", "baseline", "current", "delta", "relative_delta",
// "direction", "tolerance", "tolerance_kind", "verdict"}]}.
io::Json gate_json(const CompareResult& result, const GateReportInfo& info);

}  // namespace p2pcdn::analysis
