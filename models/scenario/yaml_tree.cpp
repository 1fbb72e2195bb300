#include "models/scenario/yaml_tree.hpp"

#include <algorithm>
#include <string>

#include <yaml-cpp/yaml.h>

namespace p2pcdn::models::yaml {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : map) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : map) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

namespace {

Mark to_mark(const YAML::Mark& m, int file) {
  // yaml-cpp marks are 0-based; a null mark (-1) becomes 1:1.
  return Mark{file, m.line >= 0 ? m.line + 1 : 1, m.column >= 0 ? m.column + 1 : 1};
}

// Aliases are expanded: the node budget stops "billion laughs" documents.
constexpr long kMaxNodes = 100'000;  // a large scenario has a few thousand
constexpr int kMaxDepth = 64;

// One conversion of a document. A fatal problem (too large, too deep) stops it: the tree is
// then discarded, so that no follow-on error is reported for the nodes it left out.
struct Converter {
  const std::string& text;
  int file;
  std::vector<ParseError>& errors;
  long budget = kMaxNodes;
  bool fatal = false;

  void fail(const Mark& mark, std::string message, const std::string& path) {
    if (!fatal) errors.push_back({mark, std::move(message), path});
    fatal = true;
  }

  // yaml-cpp accepts a quoted scalar that runs to the end of the input (`name: "abc`, or a
  // quote left open that swallows the rest of the file): find its closing quote ourselves.
  void check_closed(const YAML::Node& scalar, const std::string& path) {
    if (scalar.Tag() != "!") return;  // yaml-cpp tags quoted scalars "!"
    const YAML::Mark m = scalar.Mark();
    if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) return;
    const auto open = static_cast<std::size_t>(m.pos);
    const char quote = text[open];
    if (quote != '"' && quote != '\'') return;
    for (std::size_t i = open + 1; i < text.size(); ++i) {
      if (quote == '"' && text[i] == '\\') {
        ++i;  // an escaped character, perhaps a quote
      } else if (text[i] == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' is a quote inside a single-quoted scalar
        } else {
          return;
        }
      }
    }
    errors.push_back({to_mark(m, file),
                      std::string("unterminated quoted string (no closing ") + quote +
                          " before the end of the file)",
                      path});
  }

  // `path` is the node's key path in the decoder's spelling ("run.seed", "cdn.pops[3]").
  Node convert(const YAML::Node& in, int depth, const std::string& path);
};

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

Node Converter::convert(const YAML::Node& in, int depth, const std::string& path) {
  Node out;
  out.mark = to_mark(in.Mark(), file);
  if (fatal) return out;
  if (depth > kMaxDepth) {
    fail(out.mark, "document nested too deeply (> 64 levels)", path);
    return out;
  }
  if (--budget < 0) {
    // Named by the key being read when the budget ran out: almost always inside the list or
    // mapping that made the document huge (10^6 renditions, a generated PoP list).
    fail(out.mark,
         "document too large (> 100 000 nodes; a scenario has a few thousand): this list or "
         "mapping is far larger than any scenario needs",
         path);
    return out;
  }
  switch (in.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = Node::Kind::kScalar;
      out.scalar = in.Scalar();
      out.quoted = in.Tag() == "!";  // yaml-cpp tags quoted scalars "!"
      check_closed(in, path);
      break;
    case YAML::NodeType::Sequence:
      out.kind = Node::Kind::kSeq;
      for (const auto& item : in) {
        if (fatal) break;
        out.seq.push_back(
            convert(item, depth + 1, path + "[" + std::to_string(out.seq.size()) + "]"));
      }
      break;
    case YAML::NodeType::Map:
      out.kind = Node::Kind::kMap;
      for (const auto& kv : in) {
        if (fatal) break;
        const Mark key_mark = to_mark(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) {
          errors.push_back({key_mark, "mapping keys must be plain names", path});
          continue;
        }
        const std::string key = kv.first.Scalar();
        const std::string key_path = child_path(path, key);
        check_closed(kv.first, key_path);
        // yaml-cpp keeps both entries of a repeated key; YAML 1.2 says keys are unique, and
        // silently taking either value would hide a typo, so it is an error at the repeat.
        const auto first = std::find_if(out.map.begin(), out.map.end(),
                                        [&](const Node::Entry& e) { return e.key == key; });
        if (first != out.map.end()) {
          errors.push_back({key_mark,
                            "duplicate key '" + key + "' (first written at line " +
                                std::to_string(first->key_mark.line) +
                                "; a key may appear once per mapping)",
                            key_path});
          continue;
        }
        out.map.push_back({key, key_mark, convert(kv.second, depth + 1, key_path)});
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out.kind = Node::Kind::kNull;
      break;
  }
  return out;
}

}  // namespace

ParseResult parse(const std::string& text, int file) {
  ParseResult result;
  try {
    const YAML::Node root = YAML::Load(text);
    Converter converter{text, file, result.errors};
    result.node = converter.convert(root, 0, "");
    if (converter.fatal) {
      result.node.reset();  // a partial tree would only add follow-on errors
    } else if (root.IsNull()) {
      result.node->mark = Mark{file, 1, 1};
    }
  } catch (const YAML::Exception& e) {
    result.errors.push_back({to_mark(e.mark, file), "YAML syntax error: " + e.msg});
    result.node.reset();
  }
  return result;
}

void merge_into(Node& base, const Node& overlay) {
  if (base.kind == Node::Kind::kMap && overlay.kind == Node::Kind::kMap) {
    for (const auto& e : overlay.map) {
      if (Node* existing = base.find(e.key)) {
        merge_into(*existing, e.value);
      } else {
        base.map.push_back(e);
      }
    }
    return;
  }
  base = overlay;
}

}  // namespace p2pcdn::models::yaml
