// Reads a scenario YAML file (with `extends:` chains and `key.path=value` overrides) into a
// Scenario, strictly: every error of the file is collected with file:line:column and key path.
// Must never throw on bad user input and never stop at the first error.
#pragma once
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

// The largest scenario file the loader reads: over 3 000 times the largest shipped scenario
// (~5 KB) and more than any document within the parser's 100 000-node budget needs. It bounds
// what a wrong path (a video, a log) makes the loader read; devices such as /dev/zero and
// directories are refused before reading (only regular files are scenario files).
inline constexpr std::size_t kMaxScenarioFileBytes = 16u * 1024 * 1024;

struct ScenarioError {
  std::string file;      // as given (extended files: relative to the extending file's dir);
                         // overrides: "--set <override text>"
  int line = 0;          // 1-based; 0 when the error has no position (e.g. unreadable file)
  int column = 0;        // 1-based
  std::string key_path;  // e.g. "audience.channels.list[0].share"; empty for syntax errors
  std::string message;   // e.g. "must be > 0 (got -3)"
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set iff errors is empty
  std::vector<ScenarioError> errors;
  // Keys the file sets that are validated but have no effect in this version (message starts
  // with "note:"); printed by the CLI, never a failure.
  std::vector<ScenarioError> notices;
};

// A check beyond the scenario's own, by a layer the models cannot see (the simulator's: the
// scheduler's knobs, what building the world needs). It reports each problem by key path and
// the loader places it at that key's file:line:column. Called only on an error-free scenario.
using ReportProblem = std::function<void(const std::string& key_path, std::string message)>;
using ScenarioCheck = std::function<void(const Scenario&, const ReportProblem&)>;

// Loads, merges, applies overrides ("a.b[2].c=value", value in YAML syntax) and validates.
// Only regular files of at most kMaxScenarioFileBytes are read (the main file and every
// `extends:`); anything else is an error naming the path.
LoadResult load_scenario(const std::filesystem::path& file,
                         std::span<const std::string> overrides = {},
                         const ScenarioCheck& extra_check = {});

// Same, from text already in memory (`file_name` is used in messages and to resolve extends).
LoadResult load_scenario_text(const std::string& text, const std::filesystem::path& file_name,
                              std::span<const std::string> overrides = {},
                              const ScenarioCheck& extra_check = {});

// All errors of the file (empty = valid).
std::vector<ScenarioError> validate_scenario_file(const std::filesystem::path& file,
                                                  std::span<const std::string> overrides = {},
                                                  const ScenarioCheck& extra_check = {});

// "scenarios/x.yaml:12:5: audience.channels[0].peak: must be > 0 (got -3)"
std::string format_error(const ScenarioError& error);

// How many errors a listing shows: enough to fix a file in one pass, few enough that a file
// that is not a scenario at all does not flood the terminal.
inline constexpr std::size_t kMaxErrorsShown = 50;

// One format_error line per error (each ending in '\n'), the first `max_shown` of them, then
// "... and N more errors" when there are more.
std::string format_errors(const std::vector<ScenarioError>& errors,
                          std::size_t max_shown = kMaxErrorsShown);

}  // namespace p2pcdn::models
