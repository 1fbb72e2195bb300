// A YAML document as a small owned tree whose every node remembers the file, line and column
// it came from, so that errors survive `extends:` merging and `--set` overrides.
// Must never interpret scenario keys: it only parses, merges and patches.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn::models::yaml {

struct Mark {
  int file = -1;   // index into SourceFiles
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct Node {
  enum class Kind { kNull, kScalar, kMap, kSeq };
  struct Entry;
  Kind kind = Kind::kNull;
  Mark mark{};
  std::string scalar{};
  bool quoted = false;  // a scalar written in quotes is always a string
  // No `{}` initialisers: they instantiate vector's constructor while Entry (and Node) are
  // still incomplete, which clang rejects; default construction leaves them empty anyway.
  std::vector<Entry> map;
  std::vector<Node> seq;

  [[nodiscard]] const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
};

struct Node::Entry {
  std::string key;
  Mark key_mark;
  Node value;
};

// File names by index; overrides are registered as pseudo-files named "--set <text>".
struct SourceFiles {
  std::vector<std::string> names;
  int add(std::string name) {
    names.push_back(std::move(name));
    return static_cast<int>(names.size()) - 1;
  }
};

struct ParseError {
  Mark mark;
  std::string message;
  std::string key_path{};  // where in the document ("run.seed", "cdn.pops[3]"); "" = none
};

// Parses text; on a syntax error returns the error (with its position) instead.
struct ParseResult {
  std::optional<Node> node;
  std::vector<ParseError> errors;  // duplicate keys are reported here too (with their path)
};
ParseResult parse(const std::string& text, int file);

// Deep merge: maps merge key by key (overlay wins), anything else is replaced by the overlay.
void merge_into(Node& base, const Node& overlay);

}  // namespace p2pcdn::models::yaml
