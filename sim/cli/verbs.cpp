// Verb dispatch: one line per verb.
#include "sim/cli/verbs.hpp"

#include <stdexcept>
#include <string>

namespace p2pcdn::cli {

int run_verb(const Args& args, const std::atomic<bool>& stop) {
  // An --out these verbs would ignore is a user expecting files that never come: say so now.
  if (args.out && (args.verb == "validate" || args.verb == "check" || args.verb == "bound")) {
    throw std::invalid_argument("--out: '" + args.verb +
                                "' writes no files (it prints its results; `run` writes "
                                "summary.json, with the bounds, into --out)");
  }
  if (args.verb != "check" && (args.junit || args.json_report || args.allow_different_scenarios)) {
    throw std::invalid_argument(
        "--junit, --json and --allow-different-scenarios are options of 'check' only");
  }
  if (args.verb != "run" && args.keep_replications)
    throw std::invalid_argument("--keep-replications is an option of 'run --replications' only");
  if (args.verb == "run") return verb_run(args, stop);
  if (args.verb == "validate") return verb_validate(args);
  if (args.verb == "sweep") return verb_sweep(args, stop);
  if (args.verb == "compare") return verb_compare(args, stop);
  if (args.verb == "check") return verb_check(args);
  if (args.verb == "bound") return verb_bound(args, stop);
  throw std::invalid_argument("verb '" + args.verb + "' is not available in this build");
}

}  // namespace p2pcdn::cli
