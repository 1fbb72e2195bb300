// Verb dispatch: one line per verb.
#include "sim/cli/verbs.hpp"

#include <stdexcept>
#include <string>

namespace p2pcdn::cli {

int run_verb(const Args& args, const std::atomic<bool>& stop) {
  if (args.verb == "run") return verb_run(args, stop);
  if (args.verb == "validate") return verb_validate(args);
  throw std::invalid_argument("verb '" + args.verb + "' is not available in this build");
}

}  // namespace p2pcdn::cli
