// Orchestrates a load: read files, resolve `extends:` chains (cycles reported), deep-merge,
// apply `--set` overrides, decode, check.
#include "models/scenario/loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "models/scenario/decode.hpp"

namespace p2pcdn::models {
namespace {

namespace fs = std::filesystem;
using yaml::Node;

struct LoadState {
  yaml::SourceFiles files;
  std::vector<ScenarioError> errors;
  std::vector<fs::path> stack;  // canonical paths being loaded (cycle detection)
};

void push_error(LoadState& st, const yaml::Mark& mark, std::string key_path, std::string msg) {
  ScenarioError e;
  if (mark.file >= 0) e.file = st.files.names[static_cast<std::size_t>(mark.file)];
  e.line = mark.line;
  e.column = mark.column;
  e.key_path = std::move(key_path);
  e.message = std::move(msg);
  st.errors.push_back(std::move(e));
}

fs::path canonical_or_absolute(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  if (ec) c = fs::absolute(p, ec);
  return c;
}

std::optional<Node> load_tree(LoadState& st, const std::string& text, const fs::path& path);

// Why a path cannot be a scenario file ("" when it can be opened as one).
std::string not_a_scenario_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symlinks
  if (ec || !fs::exists(status)) return "does not exist";
  switch (status.type()) {
    case fs::file_type::regular:
      break;
    case fs::file_type::directory:
      return "is a directory, not a scenario file";
    case fs::file_type::character:
    case fs::file_type::block:
      return "is a device, not a scenario file";
    case fs::file_type::fifo:
      return "is a pipe, not a scenario file (a regular file is needed)";
    case fs::file_type::socket:
      return "is a socket, not a scenario file";
    default:
      return "is not a regular file";
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxScenarioFileBytes) {
    return fmt::format("is {:.1f} MiB, more than the {} MiB a scenario file may have",
                       static_cast<double>(size) / (1024.0 * 1024.0),
                       kMaxScenarioFileBytes / (1024 * 1024));
  }
  return "";
}

// Reads at most kMaxScenarioFileBytes + 1 bytes: a file that grows while read (or lies about
// its size, as /proc files do) cannot exhaust memory either.
std::optional<std::string> read_bounded(const fs::path& path, bool& too_large) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char chunk[64 * 1024];
  while (text.size() <= kMaxScenarioFileBytes) {
    in.read(chunk, sizeof chunk);
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (!in) break;
  }
  if (in.bad()) return std::nullopt;
  too_large = text.size() > kMaxScenarioFileBytes;
  return text;
}

std::optional<Node> load_file(LoadState& st, const fs::path& path, const yaml::Mark& from,
                              const std::string& from_key) {
  const auto refuse = [&](const std::string& why) {
    if (from.file < 0) {
      st.errors.push_back(
          {path.generic_string(), 0, 0, "", "cannot read the scenario file: " + why});
    } else {
      push_error(st, from, from_key,
                 "cannot read extended file '" + path.generic_string() + "': " + why);
    }
    return std::nullopt;
  };
  if (const std::string why = not_a_scenario_file(path); !why.empty()) return refuse(why);
  bool too_large = false;
  const std::optional<std::string> text = read_bounded(path, too_large);
  if (!text) return refuse("it cannot be opened or read");
  if (too_large) {
    return refuse(fmt::format("more than the {} MiB a scenario file may have",
                              kMaxScenarioFileBytes / (1024 * 1024)));
  }
  return load_tree(st, *text, path);
}

std::optional<Node> load_tree(LoadState& st, const std::string& text, const fs::path& path) {
  const int file = st.files.add(path.generic_string());
  auto parsed = yaml::parse(text, file);
  for (const auto& e : parsed.errors) push_error(st, e.mark, e.key_path, e.message);
  if (!parsed.node) return std::nullopt;
  Node node = std::move(*parsed.node);
  if (node.kind == Node::Kind::kNull) {
    // No text, only comments, `---` or `~`: defaults alone are not a scenario anyone meant
    // (a truncated copy, a wrong path to a file being written), so it is refused.
    push_error(st, yaml::Mark{file, 1, 1}, "",
               "the scenario file is empty (a scenario is a mapping of sections: name:, run:, "
               "audience:, ...; see scenarios/README.md)");
    return std::nullopt;
  }
  if (node.kind != Node::Kind::kMap) return node;  // the decoder reports the type error

  Node* ext = node.find("extends");
  if (ext == nullptr) return node;
  const Node ext_node = *ext;
  std::erase_if(node.map, [](const Node::Entry& e) { return e.key == "extends"; });
  if (ext_node.kind != Node::Kind::kScalar || ext_node.scalar.empty()) {
    push_error(st, ext_node.mark, "extends",
               "expected a file name, got " + detail::kind_name(ext_node));
    return node;
  }
  const fs::path parent = (path.parent_path() / ext_node.scalar).lexically_normal();
  const fs::path canon = canonical_or_absolute(parent);
  for (std::size_t i = 0; i < st.stack.size(); ++i) {
    if (st.stack[i] == canon) {
      std::string chain;
      for (std::size_t j = i; j < st.stack.size(); ++j)
        chain += st.stack[j].filename().generic_string() + " -> ";
      chain += canon.filename().generic_string();
      push_error(st, ext_node.mark, "extends", "extends cycle: " + chain);
      return node;
    }
  }
  st.stack.push_back(canon);
  std::optional<Node> base = load_file(st, parent, ext_node.mark, "extends");
  st.stack.pop_back();
  if (base && base->kind != Node::Kind::kMap) {
    push_error(
        st, base->mark, "",
        "an extended scenario file must be a mapping of sections, got " + detail::kind_name(*base));
    return node;
  }
  if (!base) return node;
  yaml::merge_into(*base, node);
  return base;
}

void shift_columns(Node& n, int by) {
  n.mark.column += by;
  for (auto& e : n.map) {
    e.key_mark.column += by;
    shift_columns(e.value, by);
  }
  for (auto& s : n.seq) shift_columns(s, by);
}

// "a.b[2].c=value": navigate (creating missing map keys, so that the decoder reports them as
// unknown keys at the override), then replace the target by the parsed value.
void apply_override(LoadState& st, Node& root, const std::string& text) {
  const int file = st.files.add("--set " + text);
  const yaml::Mark at{file, 1, 1};
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    push_error(st, at, "", "expected key.path=value");
    return;
  }
  const std::string path = text.substr(0, eq);
  auto parsed = yaml::parse(text.substr(eq + 1), file);
  if (!parsed.errors.empty() || !parsed.node) {
    for (auto e : parsed.errors) {
      e.mark.column += static_cast<int>(eq) + 1;
      push_error(st, e.mark, path, e.message);
    }
    return;
  }
  Node value = std::move(*parsed.node);
  shift_columns(value, static_cast<int>(eq) + 1);

  // Tokenise first, so that nothing is created when the path is bad.
  struct Token {
    std::string key;  // empty for an index
    std::size_t index = 0;
  };
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      bool ok = close != std::string::npos && close > i + 1;
      std::size_t index = 0;
      if (ok) {
        try {
          std::size_t used = 0;
          index = std::stoul(path.substr(i + 1, close - i - 1), &used);
          ok = used == close - i - 1 && path[i + 1] != '-' && path[i + 1] != '+';
        } catch (const std::exception&) {
          ok = false;
        }
      }
      if (!ok) {
        push_error(st, at, path, "malformed list index in override path");
        return;
      }
      tokens.push_back({"", index});
      i = close + 1;
    } else {
      const auto end = path.find_first_of(".[", i);
      const std::string key =
          path.substr(i, end == std::string::npos ? std::string::npos : end - i);
      if (key.empty()) {
        push_error(st, at, path, "empty key in override path");
        return;
      }
      tokens.push_back({key, 0});
      i = end == std::string::npos ? path.size() : end;
    }
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size() || path[i] == '.' || path[i] == '[') {
        push_error(st, at, path, "empty key in override path");
        return;
      }
    }
  }

  Node* cur = &root;
  std::string done;
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const Token& tok = tokens[t];
    if (tok.key.empty()) {
      const std::string here = fmt::format("{}[{}]", done, tok.index);
      if (cur->kind != Node::Kind::kSeq) {
        push_error(st, at, here,
                   "'" + (done.empty() ? std::string("(root)") : done) + "' is not a list");
        return;
      }
      if (tok.index >= cur->seq.size()) {
        push_error(st, at, here,
                   fmt::format("index {} out of range ('{}' has {} items)", tok.index, done,
                               cur->seq.size()));
        return;
      }
      cur = &cur->seq[tok.index];
      done = here;
      continue;
    }
    const std::string here = done.empty() ? tok.key : done + "." + tok.key;
    if (cur->kind != Node::Kind::kMap && cur->kind != Node::Kind::kNull) {
      push_error(st, at, here, "'" + done + "' is not a mapping");
      return;
    }
    Node* next = cur->kind == Node::Kind::kMap ? cur->find(tok.key) : nullptr;
    if (next == nullptr) {
      for (std::size_t later = t + 1; later < tokens.size(); ++later) {
        if (tokens[later].key.empty()) {
          std::string list_path = here;
          for (std::size_t k = t + 1; k < later; ++k) list_path += "." + tokens[k].key;
          push_error(st, at, list_path,
                     "not written in the scenario, so its default list cannot be indexed "
                     "(set the whole list instead)");
          return;
        }
      }
      if (cur->kind == Node::Kind::kNull) {
        cur->kind = Node::Kind::kMap;
        cur->mark = at;
      }
      Node fresh;
      fresh.mark = at;
      cur->map.push_back({tok.key, at, fresh});
      next = &cur->map.back().value;
    }
    cur = next;
    done = here;
  }
  *cur = std::move(value);
}

LoadResult finish(LoadState& st, std::optional<Node> root, std::span<const std::string> overrides,
                  const ScenarioCheck& extra_check) {
  LoadResult result;
  if (root) {
    for (const auto& o : overrides) apply_override(st, *root, o);
    Scenario s;
    detail::Ctx ctx;
    ctx.files = &st.files;
    ctx.errors = &st.errors;
    ctx.notices = &result.notices;
    ctx.marks[""] = root->mark;
    detail::decode_scenario(ctx, *root, s);
    detail::check_scenario(ctx, s);
    if (st.errors.empty() && extra_check) {
      extra_check(s, [&ctx](const std::string& key_path, std::string message) {
        ctx.error_at(key_path, std::move(message));
      });
    }
    if (st.errors.empty()) result.scenario = std::move(s);
  }
  // Report in reading order: by file, then position.
  std::stable_sort(st.errors.begin(), st.errors.end(), [](const auto& a, const auto& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  result.errors = std::move(st.errors);
  std::stable_sort(result.notices.begin(), result.notices.end(), [](const auto& a, const auto& b) {
    return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
  });
  return result;
}

}  // namespace

LoadResult load_scenario(const fs::path& file, std::span<const std::string> overrides,
                         const ScenarioCheck& extra_check) {
  LoadState st;
  st.stack.push_back(canonical_or_absolute(file));
  auto root = load_file(st, file, yaml::Mark{}, "");
  return finish(st, std::move(root), overrides, extra_check);
}

LoadResult load_scenario_text(const std::string& text, const fs::path& file_name,
                              std::span<const std::string> overrides,
                              const ScenarioCheck& extra_check) {
  LoadState st;
  st.stack.push_back(canonical_or_absolute(file_name));
  auto root = load_tree(st, text, file_name);
  return finish(st, std::move(root), overrides, extra_check);
}

std::vector<ScenarioError> validate_scenario_file(const fs::path& file,
                                                  std::span<const std::string> overrides,
                                                  const ScenarioCheck& extra_check) {
  return load_scenario(file, overrides, extra_check).errors;
}

std::string format_error(const ScenarioError& e) {
  std::string out = e.file;
  if (e.line > 0) out += fmt::format(":{}:{}", e.line, e.column);
  out += ": ";
  if (!e.key_path.empty()) out += e.key_path + ": ";
  out += e.message;
  return out;
}

std::string format_errors(const std::vector<ScenarioError>& errors, std::size_t max_shown) {
  std::string out;
  const std::size_t shown = std::min(errors.size(), max_shown);
  for (std::size_t i = 0; i < shown; ++i) out += format_error(errors[i]) + "\n";
  if (errors.size() > shown) {
    const std::size_t more = errors.size() - shown;
    out += fmt::format("... and {} more error{} (fix the ones above first)\n", more,
                       more == 1 ? "" : "s");
  }
  return out;
}

}  // namespace p2pcdn::models
