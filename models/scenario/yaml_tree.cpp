#include "models/scenario/yaml_tree.hpp"

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

Node convert(const YAML::Node& in, int file, std::vector<ParseError>& errors, int depth,
             long& budget) {
  Node out;
  out.mark = to_mark(in.Mark(), file);
  if (depth > 64) {
    errors.push_back({out.mark, "document nested too deeply (> 64 levels)"});
    return out;
  }
  if (--budget < 0) {
    if (budget == -1) errors.push_back({out.mark, "document too large (> 100 000 nodes)"});
    return out;
  }
  switch (in.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = Node::Kind::kScalar;
      out.scalar = in.Scalar();
      out.quoted = in.Tag() == "!";  // yaml-cpp tags quoted scalars "!"
      break;
    case YAML::NodeType::Sequence:
      out.kind = Node::Kind::kSeq;
      for (const auto& item : in) out.seq.push_back(convert(item, file, errors, depth + 1, budget));
      break;
    case YAML::NodeType::Map:
      out.kind = Node::Kind::kMap;
      for (const auto& kv : in) {
        const Mark key_mark = to_mark(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) {
          errors.push_back({key_mark, "mapping keys must be plain names"});
          continue;
        }
        const std::string key = kv.first.Scalar();
        if (out.find(key) != nullptr) {
          errors.push_back({key_mark, "duplicate key '" + key + "'"});
          continue;
        }
        out.map.push_back({key, key_mark, convert(kv.second, file, errors, depth + 1, budget)});
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
    long budget = kMaxNodes;
    result.node = convert(root, file, result.errors, 0, budget);
    if (root.IsNull()) result.node->mark = Mark{file, 1, 1};
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
