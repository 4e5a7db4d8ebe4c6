/* SPDX-License-Identifier: Apache-2.0 */
// The verified caller of a request, handed to plugins through request_principal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portico::auth {

struct Principal {
  std::string subject;     // user id, or "service:<name>"
  std::string scope;       // space-separated
  std::string claims;      // the verified payload as JSON text
  std::string tokenId;     // jti
  int64_t issuedAtMs = 0;  // from the jti: what a revocation of the subject is compared with
  int64_t expiresAt = 0;
  std::string service;  // the calling service (X-Service-Token), or empty

  bool hasScope(std::string_view wanted) const {
    size_t start = 0;
    while (start <= scope.size()) {
      size_t end = scope.find(' ', start);
      if (end == std::string::npos) end = scope.size();
      if (std::string_view(scope).substr(start, end - start) == wanted) return true;
      start = end + 1;
    }
    return false;
  }
};

}  // namespace portico::auth
