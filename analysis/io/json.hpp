// A small JSON value with a deterministic writer and a strict reader, for
// summary.json and the `check`/`compare` verbs. Objects keep insertion order;
// doubles print as the shortest round-trip form; NaN and infinities print null.
// Not a general-purpose JSON library: no streaming, no comments, no duplicate-key merging.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace p2pcdn::analysis::io {

class Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;  // insertion order kept

class Json {
 public:
  enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool v) : v_(v) {}
  Json(int v) : v_(static_cast<std::int64_t>(v)) {}
  Json(long v) : v_(static_cast<std::int64_t>(v)) {}
  Json(long long v) : v_(static_cast<std::int64_t>(v)) {}
  Json(unsigned v) : v_(static_cast<std::int64_t>(v)) {}
  Json(unsigned long v);  // throws if above INT64_MAX
  Json(unsigned long long v);
  Json(double v) : v_(v) {}
  Json(const char* v) : v_(std::string(v)) {}
  Json(std::string v) : v_(std::move(v)) {}
  Json(std::string_view v) : v_(std::string(v)) {}
  Json(JsonArray v) : v_(std::move(v)) {}
  Json(JsonObject v) : v_(std::move(v)) {}

  static Json object() { return Json(JsonObject{}); }
  static Json array() { return Json(JsonArray{}); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kDouble; }

  // Typed access; throws std::runtime_error naming the expected type.
  bool as_bool() const;
  std::int64_t as_int() const;  // only for integers
  double as_double() const;     // integers convert
  const std::string& as_string() const;
  const JsonArray& as_array() const;
  JsonArray& as_array();
  const JsonObject& as_object() const;
  JsonObject& as_object();

  // Object helpers. set() appends, or replaces the value of an existing key in place.
  Json& set(std::string key, Json value);
  const Json* find(std::string_view key) const;  // nullptr if absent or not an object
  const Json& at(std::string_view key) const;    // throws naming the key
  // Array helper.
  Json& push(Json value);

  bool operator==(const Json& other) const { return v_ == other.v_; }

 private:
  std::variant<std::monostate, bool, std::int64_t, double, std::string, JsonArray, JsonObject> v_;
};

// Serialises deterministically. indent < 0: compact on one line; otherwise
// pretty-printed with `indent` spaces, ending with a newline.
std::string dump(const Json& value, int indent = 2);

// Shortest round-trip text of a finite double ("0.1", "1e+21", "3"); "null" otherwise.
std::string format_double(double v);

// Quoted JSON string with escapes (", \, control characters as \uXXXX).
std::string quote(std::string_view s);

// Parse error with the 1-based line and column where the text went wrong.
class JsonParseError : public std::runtime_error {
 public:
  JsonParseError(const std::string& message, int line, int column);
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

// Strict RFC 8259 parse of one value (surrounding whitespace allowed). Integers
// that fit int64 become kInt, every other number kDouble. \uXXXX escapes,
// surrogate pairs included, are decoded to UTF-8. Nesting deeper than 256 levels
// is rejected.
Json parse_json(std::string_view text);

}  // namespace p2pcdn::analysis::io
