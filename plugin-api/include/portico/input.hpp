// SPDX-License-Identifier: MIT
// portico/input.hpp — what a client sent, read so that the client's mistakes answer 400.
//
// A handler reads its body as `req.json()`, a portico::Input. It has the accessors of
// json::Value, but each one that finds the value missing, of the wrong type or out of range
// throws HttpError(400) naming the field by its path, so the natural code is also the right one:
//
//   auto body = req.json();                  // 400: request body is not valid JSON: ...
//   body.only({"text", "stars", "tags"});    // 400: unknown field 'txet'
//   std::string text = body.at("text").as_string(1000);   // 400: field 'text' is required /
//                                                         //      must be a string / is longer...
//   int64_t stars = body.at("stars").as_int(1, 5);        // 400: field 'stars' must be an
//                                                         //      integer from 1 to 5
//   for (const auto& tag : body.at("tags").items()) tag.as_string(32);  // 'tags[2]' ...
//
// json::Value itself still throws json::TypeError, which the SDK answers with 500: a value the
// plugin built or read from its own storage being wrong is the plugin's bug, not the client's.
// Part of the header-only SDK; sdk.hpp includes it.
#ifndef PORTICO_INPUT_HPP
#define PORTICO_INPUT_HPP

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portico/errors.hpp"
#include "portico/json.hpp"

namespace portico {

class Input {
 public:
  explicit Input(json::Value value)
      : root_(std::make_shared<const json::Value>(std::move(value))), v_(root_.get()) {}

  // Where this value sits in the document: "" for the whole body, "user.tags[2]" below it.
  const std::string& path() const { return path_; }
  // The value as plain JSON (its accessors throw json::TypeError: a 500).
  const json::Value& value() const { return *v_; }
  operator const json::Value&() const { return *v_; }  // NOLINT: reads like the value it wraps

  json::Value::Type type() const { return v_->type(); }
  bool is_null() const { return v_->is_null(); }
  bool is_bool() const { return v_->is_bool(); }
  bool is_number() const { return v_->is_number(); }
  bool is_string() const { return v_->is_string(); }
  bool is_array() const { return v_->is_array(); }
  bool is_object() const { return v_->is_object(); }

  // ---- Objects ----

  // A member that must be there.
  Input at(std::string_view key) const {
    expect(v_->is_object(), "an object");
    const json::Value* member = v_->find(key);
    if (member == nullptr) throw HttpError(400, "field '" + below(key) + "' is required");
    return Input(root_, member, below(key));
  }
  // A member that may be left out; present with null, it is returned (is_null() tells).
  std::optional<Input> find(std::string_view key) const {
    expect(v_->is_object(), "an object");
    const json::Value* member = v_->find(key);
    if (member == nullptr) return std::nullopt;
    return Input(root_, member, below(key));
  }
  bool has(std::string_view key) const { return v_->find(key) != nullptr; }
  // Refuses any member not in `known`, so that a misspelt optional field is not silently
  // ignored. Returns *this for chaining.
  const Input& only(std::initializer_list<std::string_view> known) const {
    expect(v_->is_object(), "an object");
    for (const auto& member : v_->as_object()) {
      bool listed = false;
      for (auto k : known) listed = listed || k == member.first;
      if (!listed) throw HttpError(400, "unknown field '" + below(member.first) + "'");
    }
    return *this;
  }

  // ---- Arrays ----

  std::vector<Input> items() const {
    expect(v_->is_array(), "an array");
    std::vector<Input> out;
    const json::Array& elements = v_->as_array();
    out.reserve(elements.size());
    for (size_t i = 0; i < elements.size(); ++i)
      out.push_back(Input(root_, &elements[i], index(i)));
    return out;
  }
  // items(), refusing more than max_items elements.
  std::vector<Input> items(size_t max_items) const {
    expect(v_->is_array(), "an array");
    if (v_->as_array().size() > max_items) {
      throw HttpError(400, name() + " has more than " + std::to_string(max_items) + " elements");
    }
    return items();
  }

  // ---- Scalars ----

  // A string, refused when it holds U+0000 (JSON may say "\u0000"; PostgreSQL text, C strings and
  // most storage cannot hold it). Text with NUL on purpose is read with Nul::allowed.
  enum class Nul { refused, allowed };
  const std::string& as_string(Nul nul = Nul::refused) const {
    expect(v_->is_string(), "a string");
    const std::string& s = v_->as_string();
    if (nul == Nul::refused && s.find('\0') != std::string::npos) {
      throw HttpError(400, name() + " must not contain the NUL character (\\u0000)");
    }
    return s;
  }
  // A string of at most max_bytes bytes.
  const std::string& as_string(size_t max_bytes, Nul nul = Nul::refused) const {
    const std::string& s = as_string(nul);
    if (s.size() > max_bytes) {
      throw HttpError(400, name() + " is longer than " + std::to_string(max_bytes) + " bytes");
    }
    return s;
  }
  bool as_bool() const {
    expect(v_->is_bool(), "true or false");
    return v_->as_bool();
  }
  // An integer; 1e3 and 5.0 are integers too, 1.5 is not, 1e30 is out of range.
  int64_t as_int() const {
    expect(v_->is_number(), "an integer");
    if (v_->is_int()) return v_->as_int();
    double d = v_->as_double();
    if (d != std::floor(d)) throw HttpError(400, name() + " must be an integer");
    // 2^63 is the first double past the int64 range; -2^63 itself is in it.
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
      throw HttpError(400, name() + " is out of range");
    }
    return static_cast<int64_t>(d);
  }
  int64_t as_int(int64_t min, int64_t max) const {
    auto range = [&] {
      return name() + " must be an integer from " + std::to_string(min) + " to " +
             std::to_string(max);
    };
    int64_t v = 0;
    try {
      v = as_int();
    } catch (const HttpError&) {
      throw HttpError(400, range());
    }
    if (v < min || v > max) throw HttpError(400, range());
    return v;
  }
  double as_double() const {
    expect(v_->is_number(), "a number");
    return v_->as_double();
  }
  double as_double(double min, double max) const {
    double v = as_double();
    if (!(v >= min && v <= max)) {
      throw HttpError(400, name() + " must be a number from " + json::Value(min).dump() + " to " +
                               json::Value(max).dump());
    }
    return v;
  }

 private:
  Input(std::shared_ptr<const json::Value> root, const json::Value* v, std::string path)
      : root_(std::move(root)), v_(v), path_(std::move(path)) {}

  std::string name() const { return path_.empty() ? "request body" : "field '" + path_ + "'"; }
  std::string below(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  std::string index(size_t i) const { return path_ + "[" + std::to_string(i) + "]"; }
  void expect(bool ok, const char* what) const {
    if (!ok) throw HttpError(400, name() + " must be " + what);
  }

  std::shared_ptr<const json::Value> root_;  // shared by every Input taken from one document
  const json::Value* v_;
  std::string path_;
};

}  // namespace portico

#endif  // PORTICO_INPUT_HPP
