/* SPDX-License-Identifier: Apache-2.0 */
// Who a product plugin is serving: user ids are UUIDs (the auth plugin issues them as `sub`);
// a service token's subject ("service:<name>") has no account or profile of its own.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "portico/sdk.hpp"

namespace portico::common {

// 8-4-4-4-12 hex digits.
inline bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The user a principal stands for; 403 for a service token.
inline std::string userId(const Principal& p) {
  if (!isUuid(p.subject)) throw HttpError(403, "this route is for user tokens");
  return std::string(p.subject);
}

// The signed-in user of a PORTICO_AUTH_REQUIRED route.
inline std::string userId(const Request& req) {
  return userId(req.user());
}

}  // namespace portico::common
