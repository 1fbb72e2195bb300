#include "analysis/io/output_set_reader.hpp"

#include <exception>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/output_manifest.hpp"

namespace p2pcdn::analysis::io {
namespace {

// Appended piece by piece: "'" + string + "'" trips a GCC 12 -Wrestrict false positive.
std::string quoted(const std::filesystem::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

}  // namespace

std::variant<CommittedSet, std::string> read_committed_set(const std::filesystem::path& dir) {
  const std::filesystem::path manifest_path = dir / kManifestName;
  std::string text;
  try {
    text = read_file(manifest_path);
  } catch (const std::exception& e) {
    return "no complete set: " + std::string(e.what());
  }
  auto parsed = parse_manifest(text);
  if (const auto* problem = std::get_if<std::string>(&parsed))
    return quoted(manifest_path) + ": " + *problem;
  Manifest& manifest = std::get<Manifest>(parsed);
  CommittedSet set;
  set.run_id = manifest.run_id;
  for (const ManifestEntry& entry : manifest.files) {
    std::string content;
    try {
      content = read_file(dir / entry.name);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    if (content.size() != entry.bytes || fnv1a64_hex(content) != entry.fnv1a64)
      return quoted(dir / entry.name) + " is not the file of set " + manifest.run_id +
             " (replaced while reading?)";
    set.files.emplace_back(entry.name, std::move(content));
  }
  return set;
}

}  // namespace p2pcdn::analysis::io
