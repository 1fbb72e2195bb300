// summary.json: the Summary and RunInfo as one deterministic JSON document (keys
// in a fixed order, documented in docs/metrics.md), written atomically; and the
// structural check used by the `check` verb. Never reads anything but its inputs.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/metrics/summary.hpp"
#include "analysis/report/run_info.hpp"

namespace p2pcdn::analysis {

inline constexpr const char* kSummarySchema = "p2pcdn-sim/summary/1";

io::Json summary_to_json(const Summary& summary, const RunInfo& info);
void write_summary_json(const std::filesystem::path& path, const Summary& summary,
                        const RunInfo& info);

// Reads and parses a summary.json (throws std::runtime_error / io::JsonParseError
// with the path and line:col).
io::Json read_summary_json(const std::filesystem::path& path);

// Problems found in a parsed summary.json: missing keys, wrong types, values out of
// range (offload outside [0, 1], negative bytes, bytes not adding up). Empty = valid.
std::vector<std::string> check_summary_json(const io::Json& summary);

}  // namespace p2pcdn::analysis
