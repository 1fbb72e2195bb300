#include "models/scenario/reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace p2pcdn::models::detail {

ScenarioError Ctx::make(const yaml::Mark& mark, const std::string& path,
                        std::string message) const {
  ScenarioError e;
  if (mark.file >= 0 && mark.file < static_cast<int>(files->names.size())) {
    e.file = files->names[static_cast<std::size_t>(mark.file)];
  }
  e.line = mark.line;
  e.column = mark.column;
  e.key_path = path;
  e.message = std::move(message);
  return e;
}

void Ctx::error(const yaml::Mark& mark, const std::string& path, std::string message) const {
  errors->push_back(make(mark, path, std::move(message)));
}

void Ctx::not_modelled(const std::string& path) const {
  if (notices == nullptr) return;
  notices->push_back(
      make(mark_of(path), path, "note: accepted but not modelled in this version (no effect)"));
}

yaml::Mark Ctx::mark_of(std::string path) const {
  while (true) {
    if (auto it = marks.find(path); it != marks.end()) return it->second;
    const auto cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  if (auto it = marks.find(""); it != marks.end()) return it->second;
  return yaml::Mark{0, 1, 1};
}

namespace {
// Higher = written later: `--set` overrides (registered last, named "--set ...") above the
// main file (index 0), the main file above the file it extends (1), and so on down the chain.
long derivation_rank(const yaml::SourceFiles& files, int file) {
  if (file < 0 || file >= static_cast<int>(files.names.size()))
    return std::numeric_limits<long>::min();
  if (files.names[static_cast<std::size_t>(file)].starts_with("--set ")) return 1'000'000L + file;
  return -static_cast<long>(file);
}
}  // namespace

void Ctx::error_at_latest(std::initializer_list<std::string> paths, std::string message) const {
  const std::string* best_path = nullptr;
  yaml::Mark best{};
  for (const std::string& path : paths) {
    const yaml::Mark mark = mark_of(path);
    if (best_path == nullptr ||
        derivation_rank(*files, mark.file) > derivation_rank(*files, best.file)) {
      best_path = &path;
      best = mark;
    }
  }
  if (best_path != nullptr) error(best, *best_path, std::move(message));
}

std::string number_text(double v) { return fmt::format("{}", v); }

std::string range_text(const Range& r) {
  const bool has_lo = std::isfinite(r.lo);
  const bool has_hi = std::isfinite(r.hi);
  if (has_lo && has_hi) {
    return fmt::format("must be in {}{}, {}{}", r.lo_open ? "(" : "[", number_text(r.lo),
                       number_text(r.hi), r.hi_open ? ")" : "]");
  }
  if (has_lo) return fmt::format("must be {} {}", r.lo_open ? ">" : ">=", number_text(r.lo));
  if (has_hi) return fmt::format("must be {} {}", r.hi_open ? "<" : "<=", number_text(r.hi));
  return "must be a finite number";
}

std::string kind_name(const yaml::Node& n) {
  switch (n.kind) {
    case yaml::Node::Kind::kNull:
      return "nothing (null)";
    case yaml::Node::Kind::kMap:
      return "a mapping";
    case yaml::Node::Kind::kSeq:
      return "a list";
    case yaml::Node::Kind::kScalar:
      return "'" + n.scalar + "'";
  }
  return "?";
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0u : 1u)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Numbers may use '_' as a digit separator (25_000_000), as YAML 1.1 allows.
bool parse_double(std::string text, double& out) {
  std::erase(text, '_');
  if (text.empty()) return false;
  const char* first = text.data();
  if (*first == '+') ++first;
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool in_range(double v, const Range& r) {
  if (r.lo_open ? !(v > r.lo) : !(v >= r.lo)) return false;
  if (r.hi_open ? !(v < r.hi) : !(v <= r.hi)) return false;
  return true;
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::size_t best = std::string::npos;
  const std::string* best_name = nullptr;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best) {
      best = d;
      best_name = &c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best_name == nullptr || best > limit) return "";
  return " (did you mean '" + *best_name + "'?)";
}

bool read_number(Ctx& ctx, const yaml::Node& n, const std::string& path, double& out,
                 const Range& range) {
  ctx.marks[path] = n.mark;
  double v = 0.0;
  if (n.kind != yaml::Node::Kind::kScalar || n.quoted || !parse_double(n.scalar, v)) {
    ctx.error(n.mark, path, "expected a number, got " + kind_name(n));
    return false;
  }
  if (!in_range(v, range)) {
    // Name the bound that is violated: "must be > 0 (got -3)". Ranges like [0, 1] read
    // better whole.
    Range violated = range;
    const bool small =
        std::isfinite(range.lo) && std::isfinite(range.hi) && range.hi - range.lo <= 1.0;
    if (!small) {
      const bool below = range.lo_open ? !(v > range.lo) : !(v >= range.lo);
      if (below) {
        violated.hi = std::numeric_limits<double>::infinity();
      } else {
        violated.lo = -std::numeric_limits<double>::infinity();
      }
    }
    ctx.error(n.mark, path, range_text(violated) + " (got " + n.scalar + ")");
    return false;
  }
  out = v;
  return true;
}

bool read_integer(Ctx& ctx, const yaml::Node& n, const std::string& path, std::int64_t& out,
                  std::int64_t lo, std::int64_t hi) {
  ctx.marks[path] = n.mark;
  std::string text = n.scalar;
  std::erase(text, '_');
  std::int64_t v = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!text.empty() && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (n.kind != yaml::Node::Kind::kScalar || n.quoted || text.empty() || ec != std::errc{} ||
      ptr != last) {
    ctx.error(n.mark, path, "expected an integer, got " + kind_name(n));
    return false;
  }
  if (v < lo || v > hi) {
    ctx.error(n.mark, path,
              fmt::format("must be an integer in [{}, {}] (got {})", lo, hi, n.scalar));
    return false;
  }
  out = v;
  return true;
}

bool read_bool(Ctx& ctx, const yaml::Node& n, const std::string& path, bool& out) {
  ctx.marks[path] = n.mark;
  if (n.kind == yaml::Node::Kind::kScalar && !n.quoted) {
    if (n.scalar == "true") {
      out = true;
      return true;
    }
    if (n.scalar == "false") {
      out = false;
      return true;
    }
  }
  ctx.error(n.mark, path, "expected true or false, got " + kind_name(n));
  return false;
}

bool read_name(Ctx& ctx, const yaml::Node& n, const std::string& path, std::string& out) {
  ctx.marks[path] = n.mark;
  if (n.kind != yaml::Node::Kind::kScalar) {
    ctx.error(n.mark, path, "expected a name, got " + kind_name(n));
    return false;
  }
  out = n.scalar;
  return true;
}

void for_each_item(Ctx& ctx, const yaml::Node& n, const std::string& path,
                   const std::function<void(const yaml::Node&, const std::string&)>& fn) {
  ctx.marks[path] = n.mark;
  if (n.kind != yaml::Node::Kind::kSeq) {
    ctx.error(n.mark, path, "expected a list, got " + kind_name(n));
    return;
  }
  for (std::size_t i = 0; i < n.seq.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    ctx.marks[item_path] = n.seq[i].mark;
    fn(n.seq[i], item_path);
  }
}

MapReader::MapReader(Ctx& ctx, const yaml::Node* node, std::string path)
    : ctx_(ctx), path_(std::move(path)) {
  if (node == nullptr || node->kind == yaml::Node::Kind::kNull) return;
  ctx_.marks[path_] = node->mark;
  if (node->kind != yaml::Node::Kind::kMap) {
    ctx_.error(node->mark, path_, "expected a mapping, got " + kind_name(*node));
    return;
  }
  node_ = node;
}

std::string MapReader::child(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool MapReader::has(std::string_view key) const {
  return node_ != nullptr && node_->find(key) != nullptr;
}

const yaml::Node* MapReader::take(std::string_view key) {
  known_.emplace_back(key);
  if (node_ == nullptr) return nullptr;
  for (const auto& e : node_->map) {
    if (e.key == key) {
      ctx_.marks[child(key)] = e.value.mark;
      return &e.value;
    }
  }
  return nullptr;
}

void MapReader::number(std::string_view key, double& out, const Range& range) {
  if (const auto* n = take(key)) read_number(ctx_, *n, child(key), out, range);
}

void MapReader::integer(std::string_view key, int& out, int lo, int hi) {
  if (const auto* n = take(key)) {
    std::int64_t v = 0;
    if (read_integer(ctx_, *n, child(key), v, lo, hi)) out = static_cast<int>(v);
  }
}

void MapReader::integer(std::string_view key, std::uint64_t& out) {
  if (const auto* n = take(key)) {
    std::int64_t v = 0;
    if (read_integer(ctx_, *n, child(key), v, 0, std::numeric_limits<std::int64_t>::max())) {
      out = static_cast<std::uint64_t>(v);
    }
  }
}

void MapReader::boolean(std::string_view key, bool& out) {
  if (const auto* n = take(key)) read_bool(ctx_, *n, child(key), out);
}

void MapReader::name(std::string_view key, std::string& out) {
  if (const auto* n = take(key)) read_name(ctx_, *n, child(key), out);
}

void MapReader::one_of(std::string_view key, std::string& out,
                       std::span<const std::string_view> names) {
  const yaml::Node* n = take(key);
  if (n == nullptr) return;
  std::string value;
  if (!read_name(ctx_, *n, child(key), value)) return;
  std::vector<std::string> known;
  for (const std::string_view name : names) {
    if (value == name) {
      out = value;
      return;
    }
    known.emplace_back(name);
  }
  std::string list;
  for (const auto& s : known) list += (list.empty() ? "" : ", ") + s;
  ctx_.error(n->mark, child(key),
             "unknown value '" + value + "' (one of: " + list + ")" + did_you_mean(value, known));
}

void MapReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (node_ == nullptr) return;
  for (const auto& e : node_->map) {
    if (std::find(known_.begin(), known_.end(), e.key) != known_.end()) continue;
    ctx_.error(e.key_mark, child(e.key),
               "unknown key '" + e.key + "'" + did_you_mean(e.key, known_));
  }
}

}  // namespace p2pcdn::models::detail
