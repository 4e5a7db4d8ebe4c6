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
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& field) { return equalsIgnoreCase(field.first, name); });
}

}  // namespace portico::http
