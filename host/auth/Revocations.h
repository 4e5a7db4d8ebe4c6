/* SPDX-License-Identifier: Apache-2.0 */
// The denylist in Redis, shared by every host:
//   portico:auth:revoked:jti:<jti>  set until the token's own expiry
//   portico:auth:revoked:sub:<sub>  the Unix ms before which the subject's tokens are refused,
//                                   kept for auth.max_ttl_s (no token of theirs lives longer)
#pragma once

#include <cstdint>
#include <string>

#include "resources/Resources.h"

namespace portico::auth {

class Revocations {
 public:
  Revocations(resources::RedisPool& redis, int64_t maxTtlS) : redis_(redis), maxTtlS_(maxTtlS) {}

  // Each throws when Redis cannot be reached (the revocation did not happen).
  void revokeToken(const std::string& jti, int64_t expiresAtS);
  void revokeSubject(const std::string& subject, int64_t nowMs);
  // One round trip. True when the token's jti is listed or its subject was revoked at or after
  // issuedAtMs.
  bool isRevoked(const std::string& jti, const std::string& subject, int64_t issuedAtMs);

 private:
  resources::RedisPool& redis_;
  int64_t maxTtlS_;
};

}  // namespace portico::auth
