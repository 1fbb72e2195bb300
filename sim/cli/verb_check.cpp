// `check`: the CI regression gate over two summary.json (or replications.json) files.
#include <cstdio>
#include <stdexcept>

#include "analysis/compare/regression_gate.hpp"
#include "analysis/report/summary_json.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/study/metrics.hpp"
#include "sim/study/replications.hpp"

namespace p2pcdn::cli {

namespace {

// Flat metrics of a summary.json, or the means of a replications.json.
study::NamedMetrics load_metrics(const std::string& path) {
  const analysis::io::Json doc = analysis::read_summary_json(path);
  const analysis::io::Json* schema = doc.find("schema");
  if (schema != nullptr && schema->type() == analysis::io::Json::Type::kString &&
      schema->as_string() == study::kReplicationsSchema)
    return study::replication_means(doc);
  const std::vector<std::string> problems = analysis::check_summary_json(doc);
  if (!problems.empty()) {
    std::string msg = path + " is not a valid summary.json:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw std::invalid_argument(msg);
  }
  return study::flatten_summary_json(doc);
}

}  // namespace

int verb_check(const Args& args) {
  if (args.positional.size() != 2)
    throw std::invalid_argument("check needs BASELINE.json and CURRENT.json");
  const study::NamedMetrics baseline = load_metrics(args.positional[0]);
  const study::NamedMetrics current = load_metrics(args.positional[1]);
  const analysis::CompareOptions options = study::gate_options(args.tolerances);
  const analysis::CompareResult result = analysis::compare_metrics(
      study::to_metric_map(baseline), study::to_metric_map(current), options);
  std::fputs(analysis::format_table(result).c_str(), stdout);
  return result.passed() ? 0 : 1;
}

}  // namespace p2pcdn::cli
