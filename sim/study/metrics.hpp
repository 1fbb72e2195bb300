// Metric flattening: a summary.json document (or a Summary + RunInfo) as an ordered list of
// named scalars ("offload", "cdn.peak_gbps", "rebuffering_ratio.p90", ...), the one naming every
// study verb (replications, sweep, compare, check) shares. Never runs anything.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "analysis/compare/regression_gate.hpp"
#include "analysis/io/json.hpp"
#include "analysis/metrics/summary.hpp"
#include "analysis/report/run_info.hpp"
#include "analysis/report/summary_json.hpp"

namespace p2pcdn::study {

// Name -> value in a fixed order (the order of metric_paths()). NaN = undefined.
using NamedMetrics = std::vector<std::pair<std::string, double>>;

struct MetricPath {
  const char* name;       // the metric name (docs/metrics.md, "Flat metric names")
  const char* json_path;  // dotted path into summary.json
};
// Every flat metric in order. Names under "bounds." and "cost." exist only when summary.json
// has those objects.
const std::vector<MetricPath>& metric_paths();

// The metrics of a parsed summary.json; keys absent from the document are left out, null
// values become NaN.
NamedMetrics flatten_summary_json(const analysis::io::Json& summary);
NamedMetrics flatten_summary(const analysis::Summary& summary, const analysis::RunInfo& info,
                             const analysis::SummaryExtras& extras = {});

// The value of `name` (NaN if absent).
double metric_value(const NamedMetrics& metrics, const std::string& name);

// For the regression gate: finite values only.
analysis::MetricMap to_metric_map(const NamedMetrics& metrics);

// The gate's options for flat names: bounds.* are informational (a bound moving is not a
// regression of the scheduler), then the user's tolerances.
analysis::CompareOptions gate_options(const std::vector<std::string>& tolerance_specs);

}  // namespace p2pcdn::study
