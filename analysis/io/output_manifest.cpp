// outputs.json: format, parse and the per-file checksum.
#include "analysis/io/output_manifest.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <exception>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/json.hpp"

namespace p2pcdn::analysis::io {
namespace {

// Appended piece by piece: "'" + string + "'" trips a GCC 12 -Wrestrict false positive.
std::string quoted_name(const std::string& name) {
  std::string text = "'";
  text += name;
  text += '\'';
  return text;
}

bool plain_file_name(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

bool hex_digest(const std::string& text) {
  if (text.size() != 16) return false;
  for (const char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string fnv1a64_hex(std::string_view content) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : content) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

ManifestEntry describe_file(const std::filesystem::path& dir, const std::string& name) {
  const std::string content = read_file(dir / name);
  return {name, content.size(), fnv1a64_hex(content)};
}

std::string manifest_json(const Manifest& manifest) {
  Json files = Json::array();
  for (const ManifestEntry& entry : manifest.files) {
    Json file = Json::object();
    file.set("name", entry.name);
    file.set("bytes", static_cast<unsigned long long>(entry.bytes));
    file.set("fnv1a64", entry.fnv1a64);
    files.push(std::move(file));
  }
  Json doc = Json::object();
  doc.set("schema", kManifestSchema);
  doc.set("run_id", manifest.run_id);
  doc.set("files", std::move(files));
  return dump(doc);
}

std::variant<Manifest, std::string> parse_manifest(std::string_view text) {
  try {
    const Json doc = parse_json(text);
    if (doc.at("schema").as_string() != kManifestSchema)
      return "schema is " + quoted_name(doc.at("schema").as_string()) + ", not " +
             quoted_name(std::string(kManifestSchema));
    Manifest manifest;
    manifest.run_id = doc.at("run_id").as_string();
    for (const Json& file : doc.at("files").as_array()) {
      ManifestEntry entry;
      entry.name = file.at("name").as_string();
      if (!plain_file_name(entry.name))
        return quoted_name(entry.name) + " is not a plain file name";
      const std::int64_t bytes = file.at("bytes").as_int();
      if (bytes < 0) return quoted_name(entry.name) + " has a negative size";
      entry.bytes = static_cast<std::uint64_t>(bytes);
      entry.fnv1a64 = file.at("fnv1a64").as_string();
      if (!hex_digest(entry.fnv1a64)) return quoted_name(entry.name) + " has a malformed checksum";
      manifest.files.push_back(std::move(entry));
    }
    return manifest;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

std::string new_run_id() {
  static std::atomic<unsigned> count{0};
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return std::string(stamp) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(count.fetch_add(1));
}

}  // namespace p2pcdn::analysis::io
