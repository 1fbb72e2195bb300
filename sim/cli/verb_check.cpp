// `check`: the CI regression gate over two summary.json (or replications.json) files.
#include <cstdio>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/compare/gate_report.hpp"
#include "analysis/compare/regression_gate.hpp"
#include "analysis/io/atomic_file.hpp"
#include "analysis/report/summary_json.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/study/metrics.hpp"
#include "sim/study/replications.hpp"

namespace p2pcdn::cli {

namespace {

struct Loaded {
  study::NamedMetrics metrics;
  std::string scenario;  // scenario.name ("" when absent)
};

// Flat metrics of a summary.json, or the means of a replications.json.
Loaded load_metrics(const std::string& path) {
  const analysis::io::Json doc = analysis::read_summary_json(path);
  Loaded out;
  if (const analysis::io::Json* sc = doc.find("scenario"); sc != nullptr) {
    if (const analysis::io::Json* name = sc->find("name");
        name != nullptr && name->type() == analysis::io::Json::Type::kString)
      out.scenario = name->as_string();
  }
  const analysis::io::Json* schema = doc.find("schema");
  if (schema != nullptr && schema->type() == analysis::io::Json::Type::kString &&
      schema->as_string() == study::kReplicationsSchema) {
    out.metrics = study::replication_means(doc);
    return out;
  }
  const std::vector<std::string> problems = analysis::check_summary_json(doc);
  if (!problems.empty()) {
    std::string msg = path + " is not a valid summary.json:";
    for (const auto& p : problems) msg += "\n  " + p;
    throw std::invalid_argument(msg);
  }
  out.metrics = study::flatten_summary_json(doc);
  return out;
}

}  // namespace

int verb_check(const Args& args) {
  if (args.positional.size() != 2)
    throw std::invalid_argument("check needs BASELINE.json and CURRENT.json");
  const Loaded baseline = load_metrics(args.positional[0]);
  const Loaded current = load_metrics(args.positional[1]);
  if (baseline.scenario != current.scenario && !args.allow_different_scenarios) {
    throw std::invalid_argument(
        fmt::format("{} is of scenario '{}' but {} is of scenario '{}': a baseline of another "
                    "scenario is no baseline (--allow-different-scenarios compares them anyway)",
                    args.positional[0], baseline.scenario, args.positional[1], current.scenario));
  }
  const analysis::CompareOptions options = study::gate_options(args.tolerances);
  const analysis::CompareResult result = analysis::compare_metrics(
      study::to_metric_map(baseline.metrics), study::to_metric_map(current.metrics), options);
  const analysis::GateReportInfo info{args.positional[0], args.positional[1], baseline.scenario,
                                      current.scenario};
  if (args.junit)
    analysis::io::write_file_atomic(*args.junit, analysis::gate_junit_xml(result, info));
  if (args.json_report) {
    analysis::io::write_file_atomic(*args.json_report,
                                    analysis::io::dump(analysis::gate_json(result, info)) + "\n");
  }
  std::fputs(analysis::format_table(result).c_str(), stdout);
  return result.passed() ? 0 : 1;
}

}  // namespace p2pcdn::cli
