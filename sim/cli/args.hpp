// Command-line parsing for p2pcdn-sim: verbs, flags and their help texts.
// Pure parsing: never runs anything, never exits; errors are values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace p2pcdn::cli {

struct Args {
  std::string verb;                           // run, validate, sweep, compare, check, bound
  std::vector<std::string> positional;        // scenario paths, json files
  std::vector<std::string> sets;              // --set key=value (repeatable)
  std::vector<std::string> varies;            // --vary key=v1,v2 (repeatable)
  std::vector<std::string> tolerances;        // --tolerance metric=x (repeatable)
  std::optional<std::string> out;             // --out DIR
  std::optional<std::uint64_t> seed;          // --seed N
  std::optional<std::string> replications;    // --replications R | auto
  std::optional<std::string> policy_a;        // compare --policy-a
  std::optional<std::string> policy_b;        // compare --policy-b
  std::optional<std::string> target_metric;   // --target metric=half_width (auto replications)
  int max_replications = 30;                  // --max-replications
  int threads = 0;                            // --threads (0 = all cores)
  std::optional<std::uint64_t> trace_viewer;  // --trace-viewer ID
  bool keep_replications = false;             // --keep-replications: every time series
  bool baseline = false;                      // --baseline: also run the CDN-only baseline (cost)
  bool quiet = false;                         // --quiet: no progress output
  bool memory_check = true;                   // --no-memory-check turns the estimate check off
  bool help = false;
  bool version = false;  // --version: print the versions and exit
  // check: compare summaries of different scenarios (scenario.name) instead of refusing
  bool allow_different_scenarios = false;
  std::optional<std::string> junit;        // check --junit FILE: the verdict as JUnit XML
  std::optional<std::string> json_report;  // check --json FILE: the verdict as JSON
};

struct ParseResult {
  Args args;
  std::string error;  // empty when ok
};

ParseResult parse_args(int argc, const char* const* argv);
// Help text of one verb ("" for the overview).
std::string help_text(const std::string& verb);

}  // namespace p2pcdn::cli
