// Strict reading of a JSON request body for the product plugins: the body must be an object,
// every field must be one the route knows, and each accessor answers 400 naming the field that
// is missing or malformed.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "portico/sdk.hpp"

namespace portico::common {

class JsonBody {
 public:
  JsonBody(const Request& request, std::initializer_list<std::string_view> known)
      : value_(request.json()) {
    if (!value_.is_object()) throw HttpError(400, "request body must be a JSON object");
    for (const auto& [name, v] : value_.as_object()) {
      bool ok = false;
      for (auto k : known) ok = ok || k == name;
      if (!ok) throw HttpError(400, "unknown field '" + name + "'");
    }
  }

  bool has(std::string_view name) const { return value_.find(name) != nullptr; }
  const json::Value* find(std::string_view name) const { return value_.find(name); }

  // A string of at most maxBytes; 400 when it is absent (required) or not a string.
  std::optional<std::string> text(std::string_view name, size_t maxBytes, bool required) const {
    const json::Value* v = value_.find(name);
    if (v == nullptr) {
      if (required) throw HttpError(400, "field '" + std::string(name) + "' is required");
      return std::nullopt;
    }
    if (!v->is_string()) throw HttpError(400, "field '" + std::string(name) + "' must be a string");
    if (v->as_string().size() > maxBytes) {
      throw HttpError(400, "field '" + std::string(name) + "' is longer than " +
                               std::to_string(maxBytes) + " bytes");
    }
    return v->as_string();
  }
  std::string required(std::string_view name, size_t maxBytes) const {
    return *text(name, maxBytes, true);
  }

 private:
  json::Value value_;
};

}  // namespace portico::common
