// p2pcdn-sim: the command-line front end. Parses arguments, loads scenarios,
// runs verbs; every user error is one clear message and exit status 1 or 2.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <exception>

#include "sim/cli/args.hpp"
#include "sim/cli/verbs.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  // Second Ctrl-C: the user really wants out now.
  if (g_stop.exchange(true)) std::_Exit(130);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace p2pcdn::cli;
  const ParseResult parsed = parse_args(argc, argv);
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "p2pcdn-sim: %s\n", parsed.error.c_str());
    return 2;
  }
  const Args& args = parsed.args;
  if (args.help) {
    std::fputs(help_text(args.verb).c_str(), stdout);
    return 0;
  }
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  try {
    return run_verb(args, g_stop);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "p2pcdn-sim %s: error: %s\n", args.verb.c_str(), e.what());
    return 1;
  }
}
