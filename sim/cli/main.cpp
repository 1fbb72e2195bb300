// p2pcdn-sim: the command-line front end. Parses arguments, loads scenarios,
// runs verbs; every user error is one clear message and exit status 1 or 2.
#include <fmt/format.h>

#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <string>

#include "sim/cli/args.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/huge_pages.hpp"
#include "sim/run.hpp"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_interrupt(int) {
  // Second Ctrl-C: the user really wants out now.
  if (g_stop.exchange(true)) std::_Exit(130);
}

// Restarts this process once with glibc's huge-page malloc tunable when the kernel backs
// madvised memory with 2 MB pages (why: sim/huge_pages.hpp). Results are identical either way;
// if anything fails, the run simply goes on with 4 KB pages.
void restart_with_huge_pages(char** argv) {
#ifdef __linux__
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  const std::string thp((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto value = p2pcdn::sim::huge_page_tunables(thp, std::getenv("GLIBC_TUNABLES"),
                                                     std::getenv(p2pcdn::sim::kHugePagesEnv));
  if (!value) return;
  const char* before = std::getenv("GLIBC_TUNABLES");
  const std::string saved = before != nullptr ? before : "";
  if (setenv("GLIBC_TUNABLES", value->c_str(), 1) != 0) return;
  // The resolved path, not /proc/self/exe itself: the process keeps its name ("p2pcdn-sim" in
  // ps and top, not "exe").
  std::array<char, 4096> self{};
  const ssize_t length = readlink("/proc/self/exe", self.data(), self.size() - 1);
  execv(length > 0 ? self.data() : "/proc/self/exe", argv);
  // exec failed: carry on as we are
  if (before != nullptr) {
    setenv("GLIBC_TUNABLES", saved.c_str(), 1);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
#else
  (void)argv;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  using namespace p2pcdn::cli;
  restart_with_huge_pages(argv);
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
  if (args.version) {
    std::printf("%s\n", p2pcdn::sim::version_string().c_str());
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
