// Reads a scenario YAML file (with `extends:` chains and `key.path=value` overrides) into a
// Scenario, strictly: every error of the file is collected with file:line:column and key path.
// Must never throw on bad user input and never stop at the first error.
#pragma once
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

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

// Loads, merges, applies overrides ("a.b[2].c=value", value in YAML syntax) and validates.
LoadResult load_scenario(const std::filesystem::path& file,
                         std::span<const std::string> overrides = {});

// Same, from text already in memory (`file_name` is used in messages and to resolve extends).
LoadResult load_scenario_text(const std::string& text, const std::filesystem::path& file_name,
                              std::span<const std::string> overrides = {});

// All errors of the file (empty = valid). The CLI's `validate` verb.
std::vector<ScenarioError> validate_scenario_file(const std::filesystem::path& file,
                                                  std::span<const std::string> overrides = {});

// "scenarios/x.yaml:12:5: audience.channels[0].peak: must be > 0 (got -3)"
std::string format_error(const ScenarioError& error);

}  // namespace p2pcdn::models
