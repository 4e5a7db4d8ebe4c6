/* SPDX-License-Identifier: Apache-2.0 */
// The denylist, shared by every host. Each request reads Redis:
//   portico:auth:revoked:jti:<jti>  set until the token's own expiry
//   portico:auth:revoked:sub:<sub>  the Unix ms at or before which the subject's tokens are
//                                   refused, kept for auth.max_ttl_s (no token of theirs lives
//                                   longer)
//   portico:auth:revoked:loaded     set once the two above hold everything PostgreSQL does
// and publishes each revocation on kNoticeChannel ({"jti"} or {"sub","at_ms"}), where every host
// hears it and closes the streams it covers (push/SessionStreams.h).
// With a database, every revocation is written to portico_host.auth_revocations first (the host's
// own migration), so that a Redis that restarts empty or is flushed does not hand revoked tokens
// back their validity: the first check that finds the `loaded` mark gone rebuilds the keys from
// there before it answers, on whichever host sees it first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portico/json.hpp"
#include "resources/Resources.h"

namespace portico::auth {

class Revocations {
 public:
  static constexpr const char* kNoticeChannel = "portico:auth:revoked";

  // postgres may be null (no database): then Redis alone holds the denylist.
  Revocations(resources::RedisPool& redis, resources::PgPool* postgres, int64_t maxTtlS)
      : redis_(redis), postgres_(postgres), maxTtlS_(maxTtlS) {}

  // Each throws when PostgreSQL or Redis cannot be reached (the revocation did not happen).
  void revokeToken(const std::string& jti, int64_t expiresAtS);
  void revokeSubject(const std::string& subject, int64_t nowMs);
  // One round trip while Redis has its data. True when the token's jti is listed or its subject
  // was revoked at or after issuedAtMs.
  bool isRevoked(const std::string& jti, const std::string& subject, int64_t issuedAtMs);
  // Puts back into Redis what PostgreSQL holds, unless Redis still has it; true when it had to.
  // isRevoked calls it when needed; porticod calls it once before it reports ready.
  bool restoreIfLost();

 private:
  void restore();
  // The denylist write and, in the same round trip, the notice every host hears.
  void denyAndAnnounce(std::vector<std::string> write, const json::Value& notice, const char* what);

  resources::RedisPool& redis_;
  resources::PgPool* postgres_;
  int64_t maxTtlS_;
};

}  // namespace portico::auth
