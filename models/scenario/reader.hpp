// Strict typed reading of a yaml::Node tree: numbers with ranges, booleans, names, enums,
// and unknown-key detection with a did-you-mean. Every problem becomes a ScenarioError;
// nothing here throws or stops early. Must never know about scenario sections.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/scenario/loader.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace p2pcdn::models::detail {

struct Ctx {
  const yaml::SourceFiles* files = nullptr;
  std::vector<ScenarioError>* errors = nullptr;
  // Keys accepted and validated that the simulation does not use yet (never an error).
  std::vector<ScenarioError>* notices = nullptr;
  // Where every key path read so far was written (for cross-field checks done later).
  std::unordered_map<std::string, yaml::Mark> marks;

  [[nodiscard]] ScenarioError make(const yaml::Mark& mark, const std::string& path,
                                   std::string message) const;
  void error(const yaml::Mark& mark, const std::string& path, std::string message) const;
  // Mark of `path`, or of its closest recorded ancestor, or 1:1 of the main file.
  [[nodiscard]] yaml::Mark mark_of(std::string path) const;
  void error_at(const std::string& path, std::string message) const {
    error(mark_of(path), path, std::move(message));
  }
  // A problem between several keys (e.g. a region and the ISP list that leaves it without
  // ISPs): reported at the one written last in the `extends:` chain or by `--set`, the edit
  // that made the keys disagree, rather than at a base file the user did not touch.
  void error_at_latest(std::initializer_list<std::string> paths, std::string message) const;
  // "accepted but not modelled in this version" for a key the file sets.
  void not_modelled(const std::string& path) const;
};

struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
};
inline Range any() { return {}; }
inline Range positive() { return {0.0, std::numeric_limits<double>::infinity(), true, false}; }
inline Range non_negative() { return {0.0, std::numeric_limits<double>::infinity(), false, false}; }
inline Range unit() { return {0.0, 1.0, false, false}; }
inline Range between(double lo, double hi) { return {lo, hi, false, false}; }

std::string range_text(const Range& r);      // "must be > 0", "must be in [0, 1]"
std::string kind_name(const yaml::Node& n);  // "a number", "a mapping", ...
std::string number_text(double v);
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// Scalar conversions; on failure record an error and return false (out unchanged).
bool read_number(Ctx& ctx, const yaml::Node& n, const std::string& path, double& out,
                 const Range& range = {});
bool read_integer(Ctx& ctx, const yaml::Node& n, const std::string& path, std::int64_t& out,
                  std::int64_t lo, std::int64_t hi);
bool read_bool(Ctx& ctx, const yaml::Node& n, const std::string& path, bool& out);
bool read_name(Ctx& ctx, const yaml::Node& n, const std::string& path, std::string& out);

// Calls fn(item, item_path) for each element; errors if n is not a sequence.
void for_each_item(Ctx& ctx, const yaml::Node& n, const std::string& path,
                   const std::function<void(const yaml::Node&, const std::string&)>& fn);

// Reads the keys of one mapping. Every key asked for becomes "known"; finish() reports the
// keys never asked for, with a suggestion among the known ones.
class MapReader {
 public:
  // node == nullptr or null: an absent section (all fields keep their defaults).
  MapReader(Ctx& ctx, const yaml::Node* node, std::string path);
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;
  ~MapReader() { finish(); }

  [[nodiscard]] bool ok() const { return node_ != nullptr; }
  [[nodiscard]] const yaml::Node* node() const { return node_; }
  [[nodiscard]] std::string child(std::string_view key) const;
  // The value of `key`, or nullptr if absent. Marks the key as known.
  const yaml::Node* take(std::string_view key);
  bool has(std::string_view key) const;

  void number(std::string_view key, double& out, const Range& range = {});
  void integer(std::string_view key, int& out, int lo, int hi);
  void integer(std::string_view key, std::uint64_t& out);
  void boolean(std::string_view key, bool& out);
  void name(std::string_view key, std::string& out);
  template <class E>
  void choice(std::string_view key, E& out, std::initializer_list<std::pair<const char*, E>> opts);
  // A name that must be one of `names` (a list another library owns, e.g. the scheduler's
  // policies); the error lists them all and suggests the closest.
  void one_of(std::string_view key, std::string& out, std::span<const std::string_view> names);
  void finish();

 private:
  Ctx& ctx_;
  const yaml::Node* node_ = nullptr;
  std::string path_;
  std::vector<std::string> known_;
  bool finished_ = false;
};

template <class E>
void MapReader::choice(std::string_view key, E& out,
                       std::initializer_list<std::pair<const char*, E>> opts) {
  const yaml::Node* n = take(key);
  if (n == nullptr) return;
  std::string value;
  if (!read_name(ctx_, *n, child(key), value)) return;
  std::vector<std::string> names;
  for (const auto& [text, e] : opts) {
    if (value == text) {
      out = e;
      return;
    }
    names.emplace_back(text);
  }
  std::string list;
  for (const auto& s : names) list += (list.empty() ? "" : ", ") + s;
  ctx_.error(n->mark, child(key),
             "unknown value '" + value + "' (one of: " + list + ")" + did_you_mean(value, names));
}

}  // namespace p2pcdn::models::detail
