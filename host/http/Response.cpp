// SPDX-License-Identifier: Apache-2.0
#include "http/Response.h"

#include <algorithm>

#include "common/IgnoreCase.h"

namespace portico::http {

using common::equalsIgnoreCase;

void Response::set(std::string_view name, std::string_view value) {
  headers.erase(
      std::remove_if(headers.begin(), headers.end(),
                     [&](const auto& field) { return equalsIgnoreCase(field.first, name); }),
      headers.end());
  add(name, value);
}

bool Response::has(std::string_view name) const {
  return value(name) != nullptr;
}

const std::string* Response::value(std::string_view name) const {
  auto it = std::find_if(headers.begin(), headers.end(),
                         [&](const auto& field) { return equalsIgnoreCase(field.first, name); });
  return it == headers.end() ? nullptr : &it->second;
}

}  // namespace portico::http
