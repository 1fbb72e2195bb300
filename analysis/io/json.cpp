// JSON value, deterministic writer and strict reader.
#include "analysis/io/json.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <system_error>

namespace p2pcdn::analysis::io {
namespace {

const char* type_name(Json::Type t) {
  switch (t) {
    case Json::Type::kNull:
      return "null";
    case Json::Type::kBool:
      return "bool";
    case Json::Type::kInt:
      return "integer";
    case Json::Type::kDouble:
      return "number";
    case Json::Type::kString:
      return "string";
    case Json::Type::kArray:
      return "array";
    case Json::Type::kObject:
      return "object";
  }
  return "?";
}

[[noreturn]] void type_error(const char* want, Json::Type got) {
  throw std::runtime_error(std::string("JSON: expected ") + want + ", got " + type_name(got));
}

std::int64_t checked_u64(unsigned long long v) {
  if (v > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
    throw std::range_error("JSON: unsigned value " + std::to_string(v) + " exceeds int64");
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace

Json::Json(unsigned long v) : v_(checked_u64(v)) {}
Json::Json(unsigned long long v) : v_(checked_u64(v)) {}

bool Json::as_bool() const {
  if (auto* p = std::get_if<bool>(&v_)) return *p;
  type_error("bool", type());
}
std::int64_t Json::as_int() const {
  if (auto* p = std::get_if<std::int64_t>(&v_)) return *p;
  type_error("integer", type());
}
double Json::as_double() const {
  if (auto* p = std::get_if<double>(&v_)) return *p;
  if (auto* p = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*p);
  type_error("number", type());
}
const std::string& Json::as_string() const {
  if (auto* p = std::get_if<std::string>(&v_)) return *p;
  type_error("string", type());
}
const JsonArray& Json::as_array() const {
  if (auto* p = std::get_if<JsonArray>(&v_)) return *p;
  type_error("array", type());
}
JsonArray& Json::as_array() {
  if (auto* p = std::get_if<JsonArray>(&v_)) return *p;
  type_error("array", type());
}
const JsonObject& Json::as_object() const {
  if (auto* p = std::get_if<JsonObject>(&v_)) return *p;
  type_error("object", type());
}
JsonObject& Json::as_object() {
  if (auto* p = std::get_if<JsonObject>(&v_)) return *p;
  type_error("object", type());
}

Json& Json::set(std::string key, Json value) {
  JsonObject& obj = as_object();
  for (auto& [k, v] : obj) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  obj.emplace_back(std::move(key), std::move(value));
  return obj.back().second;
}

const Json* Json::find(std::string_view key) const {
  const auto* obj = std::get_if<JsonObject>(&v_);
  if (obj == nullptr) return nullptr;
  for (const auto& [k, v] : *obj) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Json& Json::at(std::string_view key) const {
  const Json* v = find(key);
  if (v == nullptr) throw std::runtime_error("JSON: missing key '" + std::string(key) + "'");
  return *v;
}

Json& Json::push(Json value) {
  JsonArray& arr = as_array();
  arr.push_back(std::move(value));
  return arr.back();
}

// ---------------------------------------------------------------- writer

std::string format_double(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  // Keep a double recognisable as a double when read back ("3" would become an integer).
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string quote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

void dump_to(std::string& out, const Json& v, int indent, int depth) {
  const auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * d), ' ');
  };
  switch (v.type()) {
    case Json::Type::kNull:
      out += "null";
      break;
    case Json::Type::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case Json::Type::kInt:
      out += std::to_string(v.as_int());
      break;
    case Json::Type::kDouble:
      out += format_double(v.as_double());
      break;
    case Json::Type::kString:
      out += quote(v.as_string());
      break;
    case Json::Type::kArray: {
      const auto& arr = v.as_array();
      if (arr.empty()) {
        out += "[]";
        break;
      }
      // Arrays of scalars stay on one line: time series and CDFs stay readable.
      bool scalars = true;
      for (const auto& e : arr) {
        if (e.type() == Json::Type::kArray || e.type() == Json::Type::kObject) scalars = false;
      }
      out += '[';
      for (std::size_t i = 0; i < arr.size(); ++i) {
        if (i > 0) out += indent >= 0 && scalars ? ", " : ",";
        if (!scalars) newline(depth + 1);
        dump_to(out, arr[i], indent, depth + 1);
      }
      if (!scalars) newline(depth);
      out += ']';
      break;
    }
    case Json::Type::kObject: {
      const auto& obj = v.as_object();
      if (obj.empty()) {
        out += "{}";
        break;
      }
      out += '{';
      for (std::size_t i = 0; i < obj.size(); ++i) {
        if (i > 0) out += ',';
        newline(depth + 1);
        out += quote(obj[i].first);
        out += indent >= 0 ? ": " : ":";
        dump_to(out, obj[i].second, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string dump(const Json& value, int indent) {
  std::string out;
  dump_to(out, value, indent, 0);
  if (indent >= 0) out += '\n';
  return out;
}

// ---------------------------------------------------------------- reader

JsonParseError::JsonParseError(const std::string& message, int line, int column)
    : std::runtime_error("JSON parse error at " + std::to_string(line) + ":" +
                         std::to_string(column) + ": " + message),
      line_(line),
      column_(column) {}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Json parse_document() {
    skip_ws();
    Json v = parse_value(0);
    skip_ws();
    if (pos_ != s_.size()) error("unexpected text after the value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& msg) const {
    int line = 1;
    int col = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw JsonParseError(msg, line, col);
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  void expect_word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) error("invalid literal");
    pos_ += w.size();
  }

  Json parse_value(int depth) {
    if (depth > 256) error("nesting deeper than 256 levels");
    if (pos_ >= s_.size()) error("unexpected end of input");
    const char c = s_[pos_];
    switch (c) {
      case '{':
        return parse_object(depth);
      case '[':
        return parse_array(depth);
      case '"':
        return Json(parse_string());
      case 't':
        expect_word("true");
        return Json(true);
      case 'f':
        expect_word("false");
        return Json(false);
      case 'n':
        expect_word("null");
        return Json();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
        error(std::string("unexpected character '") + c + "'");
    }
  }

  Json parse_object(int depth) {
    ++pos_;  // {
    Json obj = Json::object();
    skip_ws();
    if (peek() == '}') {
      ++pos_;
      return obj;
    }
    for (;;) {
      skip_ws();
      if (peek() != '"') error("expected a string key");
      std::string key = parse_string();
      skip_ws();
      if (peek() != ':') error("expected ':' after key");
      ++pos_;
      skip_ws();
      Json value = parse_value(depth + 1);
      if (obj.find(key) != nullptr) error("duplicate key '" + key + "'");
      obj.as_object().emplace_back(std::move(key), std::move(value));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return obj;
      }
      error("expected ',' or '}' in object");
    }
  }

  Json parse_array(int depth) {
    ++pos_;  // [
    Json arr = Json::array();
    skip_ws();
    if (peek() == ']') {
      ++pos_;
      return arr;
    }
    for (;;) {
      skip_ws();
      arr.push(parse_value(depth + 1));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return arr;
      }
      error("expected ',' or ']' in array");
    }
  }

  unsigned parse_hex4() {
    if (pos_ + 4 > s_.size()) error("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = s_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9') {
        v |= static_cast<unsigned>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        v |= static_cast<unsigned>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        v |= static_cast<unsigned>(h - 'A' + 10);
      } else {
        --pos_;
        error("invalid hex digit in \\u escape");
      }
    }
    return v;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) error("unterminated string");
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) error("control character in string");
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= s_.size()) error("unterminated escape");
      const char e = s_[pos_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = parse_hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s_.substr(pos_, 2) != "\\u") error("unpaired high surrogate");
            pos_ += 2;
            const unsigned lo = parse_hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) error("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            error("unpaired low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --pos_;
          error(std::string("invalid escape '\\") + e + "'");
      }
    }
  }

  Json parse_number() {
    const std::size_t start = pos_;
    bool integral = true;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (peek() >= '1' && peek() <= '9') {
      while (peek() >= '0' && peek() <= '9') ++pos_;
    } else {
      error("invalid number");
    }
    if (peek() == '.') {
      integral = false;
      ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) error("digit expected after '.'");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!(peek() >= '0' && peek() <= '9')) error("digit expected in exponent");
      while (peek() >= '0' && peek() <= '9') ++pos_;
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + pos_;
    if (integral) {
      std::int64_t iv = 0;
      const auto r = std::from_chars(first, last, iv);
      if (r.ec == std::errc() && r.ptr == last) return Json(static_cast<long long>(iv));
    }
    double dv = 0;
    const auto r = std::from_chars(first, last, dv);
    if (r.ec == std::errc::result_out_of_range) {
      pos_ = start;
      error("number out of range");
    }
    if (r.ec != std::errc() || r.ptr != last) {
      pos_ = start;
      error("invalid number");
    }
    return Json(dv);
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Json parse_json(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace p2pcdn::analysis::io
