// The manifest that commits a set of outputs: `outputs.json`, written into the destination
// last, lists every file of the set with its size and checksum under one run id. Its presence
// says the set is complete; the checksums let a reader tell a file replaced while it read
// (analysis/io/output_set_reader.hpp). Files not listed are not part of the set.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace p2pcdn::analysis::io {

inline constexpr std::string_view kManifestName = "outputs.json";
inline constexpr std::string_view kManifestSchema = "p2pcdn-sim/outputs/1";

struct ManifestEntry {
  std::string name;  // a plain file name inside the set's directory
  std::uint64_t bytes = 0;
  std::string fnv1a64;  // 16 lowercase hex digits of the content's FNV-1a 64-bit hash

  bool operator==(const ManifestEntry&) const = default;
};

struct Manifest {
  std::string run_id;
  std::vector<ManifestEntry> files;

  bool operator==(const Manifest&) const = default;
};

// FNV-1a 64 of `content`, as 16 hex digits: catches a torn or swapped file, not an attacker.
std::string fnv1a64_hex(std::string_view content);

// The entry of a file as it is now. Throws std::runtime_error naming the path if unreadable.
ManifestEntry describe_file(const std::filesystem::path& dir, const std::string& name);

std::string manifest_json(const Manifest& manifest);

// The manifest in `text`, or why it is not one (bad JSON, wrong schema, a name that is not a
// plain file name, a bad size or checksum).
std::variant<Manifest, std::string> parse_manifest(std::string_view text);

// Unique per set written, for a reader to tell two sets apart: "<UTC time>-<pid>-<count>".
std::string new_run_id();

}  // namespace p2pcdn::analysis::io
