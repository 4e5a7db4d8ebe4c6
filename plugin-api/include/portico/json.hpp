// SPDX-License-Identifier: MIT
// portico/json.hpp — a small, strict JSON value for plugins (header-only, C++17, no dependencies).
//
// Part of the SDK so that a plugin can read and write JSON without linking anything. It is meant
// for request and response bodies, not for megabytes: objects keep insertion order and look keys
// up linearly. Parsing is strict RFC 8259 with a nesting limit, so hostile input fails with
// ParseError instead of exhausting the stack: strings must be valid UTF-8, and a number too large
// for a double (1e99999) is refused naming its field rather than read as infinity.
#ifndef PORTICO_JSON_HPP
#define PORTICO_JSON_HPP

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace portico::json {

class ParseError : public std::runtime_error {
 public:
  ParseError(const std::string& what, size_t offset)
      : std::runtime_error(what + " at offset " + std::to_string(offset)), offset_(offset) {}
  size_t offset() const { return offset_; }

 private:
  size_t offset_;
};

class TypeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;

class Value {
 public:
  enum class Type { Null, Bool, Int, Double, String, List, Map };

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  template <typename I,
            typename = std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>>
  Value(I i) : v_(static_cast<int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Object o) : v_(std::move(o)) {}

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_number() const { return type() == Type::Int || type() == Type::Double; }
  bool is_int() const { return type() == Type::Int; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::List; }
  bool is_object() const { return type() == Type::Map; }

  bool as_bool() const { return get<bool>("bool"); }
  int64_t as_int() const { return get<int64_t>("integer"); }
  double as_double() const {
    return is_int() ? static_cast<double>(std::get<int64_t>(v_)) : get<double>("number");
  }
  const std::string& as_string() const { return get<std::string>("string"); }
  const Array& as_array() const { return get<Array>("array"); }
  const Object& as_object() const { return get<Object>("object"); }
  Array& as_array() { return get<Array>("array"); }
  Object& as_object() { return get<Object>("object"); }

  // Member of an object, or nullptr when absent (or when this is not an object).
  const Value* find(std::string_view key) const {
    if (!is_object()) return nullptr;
    for (const auto& m : std::get<Object>(v_))
      if (m.first == key) return &m.second;
    return nullptr;
  }

  // Member of an object; throws TypeError naming the key when absent.
  const Value& at(std::string_view key) const {
    if (const Value* v = find(key)) return *v;
    throw TypeError("JSON object has no member '" + std::string(key) + "'");
  }

  // Sets (or replaces) an object member; turns a null into an empty object first.
  Value& set(std::string key, Value value) {
    if (is_null()) v_ = Object{};
    auto& obj = get<Object>("object");
    for (auto& m : obj)
      if (m.first == key) return m.second = std::move(value);
    obj.emplace_back(std::move(key), std::move(value));
    return obj.back().second;
  }

  std::string dump() const {
    std::string out;
    dump_to(out);
    return out;
  }

  void dump_to(std::string& out) const {
    switch (type()) {
      case Type::Null:
        out += "null";
        break;
      case Type::Bool:
        out += std::get<bool>(v_) ? "true" : "false";
        break;
      case Type::Int:
        out += std::to_string(std::get<int64_t>(v_));
        break;
      case Type::Double:
        dump_double(std::get<double>(v_), out);
        break;
      case Type::String:
        dump_string(std::get<std::string>(v_), out);
        break;
      case Type::List: {
        out += '[';
        bool first = true;
        for (const auto& e : std::get<Array>(v_)) {
          if (!first) out += ',';
          first = false;
          e.dump_to(out);
        }
        out += ']';
        break;
      }
      case Type::Map: {
        out += '{';
        bool first = true;
        for (const auto& m : std::get<Object>(v_)) {
          if (!first) out += ',';
          first = false;
          dump_string(m.first, out);
          out += ':';
          m.second.dump_to(out);
        }
        out += '}';
        break;
      }
    }
  }

  static void dump_string(std::string_view s, std::string& out) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : s) {
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
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    out += '"';
  }

  friend bool operator==(const Value& a, const Value& b) { return a.v_ == b.v_; }
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  template <typename T>
  const T& get(const char* what) const {
    if (auto* p = std::get_if<T>(&v_)) return *p;
    throw TypeError(std::string("JSON value is not a ") + what);
  }
  template <typename T>
  T& get(const char* what) {
    if (auto* p = std::get_if<T>(&v_)) return *p;
    throw TypeError(std::string("JSON value is not a ") + what);
  }

  static void dump_double(double d, std::string& out) {
    if (!std::isfinite(d)) {
      out += "null";  // JSON has no NaN or infinity
      return;
    }
    // The shortest of %.15g and %.17g that reads back as the same double: 0.1 stays "0.1".
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", d);
    if (std::strtod(buf, nullptr) != d) std::snprintf(buf, sizeof buf, "%.17g", d);
    out += buf;
  }

  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> v_;
};

// Builds an object from {{"key", value}, ...} while keeping the order written.
inline Value object(std::initializer_list<Member> members) {
  return Value(Object(members));
}

namespace detail {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Value parse_document() {
    Value v = parse_value(0);
    skip_ws();
    if (pos_ != s_.size()) fail("unexpected trailing characters");
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  [[noreturn]] void fail(const char* what) const { throw ParseError(what, pos_); }
  // For a value that is well-formed but unacceptable: the message names where it sits.
  [[noreturn]] void fail_here(const std::string& what) const {
    throw ParseError(path_.empty() ? what : "field '" + path_ + "': " + what, pos_);
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool consume(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Value parse_value(int depth) {
    if (depth > kMaxDepth) fail("nesting too deep");
    skip_ws();
    if (pos_ >= s_.size()) fail("unexpected end of input");
    char c = s_[pos_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return Value(parse_string());
    if (consume("true")) return Value(true);
    if (consume("false")) return Value(false);
    if (consume("null")) return Value();
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    fail("unexpected character");
  }

  Value parse_object(int depth) {
    ++pos_;
    Object obj;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return Value(std::move(obj));
    }
    for (;;) {
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected object key");
      std::string key = parse_string();
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') fail("expected ':'");
      ++pos_;
      size_t outer = path_.size();
      path_ += (outer == 0 ? "" : ".") + key;
      obj.emplace_back(std::move(key), parse_value(depth + 1));
      path_.resize(outer);
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return Value(std::move(obj));
      }
      fail("expected ',' or '}'");
    }
  }

  Value parse_array(int depth) {
    ++pos_;
    Array arr;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return Value(std::move(arr));
    }
    for (;;) {
      size_t outer = path_.size();
      path_ += "[" + std::to_string(arr.size()) + "]";
      arr.push_back(parse_value(depth + 1));
      path_.resize(outer);
      skip_ws();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return Value(std::move(arr));
      }
      fail("expected ',' or ']'");
    }
  }

  Value parse_number() {
    size_t start = pos_;
    bool integral = true;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size() || !isdigit(s_[pos_])) fail("invalid number");
    if (s_[pos_] == '0' && pos_ + 1 < s_.size() && isdigit(s_[pos_ + 1]))
      fail("leading zero in number");
    while (pos_ < s_.size() && isdigit(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= s_.size() || !isdigit(s_[pos_])) fail("invalid fraction");
      while (pos_ < s_.size() && isdigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !isdigit(s_[pos_])) fail("invalid exponent");
      while (pos_ < s_.size() && isdigit(s_[pos_])) ++pos_;
    }
    std::string text(s_.substr(start, pos_ - start));
    if (integral) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == 0) return Value(static_cast<int64_t>(v));
    }
    double d = std::strtod(text.c_str(), nullptr);
    // Underflow rounds towards zero, which a double may; overflow would be infinity, which JSON
    // cannot say and no caller means.
    if (std::isinf(d)) fail_here("number " + text.substr(0, 32) + " is too large for a double");
    return Value(d);
  }

  // The length of the UTF-8 sequence starting at s_[at] (RFC 3629: no overlong forms, no
  // surrogates, nothing past U+10FFFF), or 0 when it is not one.
  size_t utf8_length(size_t at) const {
    auto byte = [&](size_t i) { return i < s_.size() ? static_cast<unsigned char>(s_[i]) : 0u; };
    auto tail = [&](size_t i) { return (byte(i) & 0xC0u) == 0x80u; };
    unsigned b0 = byte(at), b1 = byte(at + 1);
    if (b0 >= 0xC2 && b0 <= 0xDF) return tail(at + 1) ? 2 : 0;
    if (b0 >= 0xE0 && b0 <= 0xEF) {
      bool ok =
          tail(at + 1) && tail(at + 2) && !(b0 == 0xE0 && b1 < 0xA0) && !(b0 == 0xED && b1 >= 0xA0);
      return ok ? 3 : 0;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
      bool ok = tail(at + 1) && tail(at + 2) && tail(at + 3) && !(b0 == 0xF0 && b1 < 0x90) &&
                !(b0 == 0xF4 && b1 >= 0x90);
      return ok ? 4 : 0;
    }
    return 0;
  }

  static bool isdigit(char c) { return c >= '0' && c <= '9'; }

  unsigned parse_hex4() {
    if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("invalid \\u escape");
    }
    return v;
  }

  static void append_utf8(unsigned cp, std::string& out) {
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
      if (pos_ >= s_.size()) fail("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
      if (static_cast<unsigned char>(c) >= 0x80) {
        size_t n = utf8_length(pos_ - 1);
        if (n == 0) {
          --pos_;
          fail_here("string is not valid UTF-8");
        }
        out.append(s_.substr(pos_ - 1, n));
        pos_ += n - 1;
        continue;
      }
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) fail("unterminated escape");
      char e = s_[pos_++];
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
            if (!consume("\\u")) fail("unpaired surrogate");
            unsigned lo = parse_hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("invalid low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate");
          }
          append_utf8(cp, out);
          break;
        }
        default:
          fail("invalid escape");
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string path_;  // of the value being parsed, as portico::Input names fields: a.b[2]
};

}  // namespace detail

// Parses one JSON document; throws ParseError with the offset of the problem.
inline Value parse(std::string_view text) {
  return detail::Parser(text).parse_document();
}

}  // namespace portico::json

#endif  // PORTICO_JSON_HPP
