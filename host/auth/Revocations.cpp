// SPDX-License-Identifier: Apache-2.0
#include "auth/Revocations.h"

#include <algorithm>
#include <cstdlib>

#include "resources/redis/RedisReply.h"

namespace portico::auth {
namespace {

const char* const kJtiPrefix = "portico:auth:revoked:jti:";
const char* const kSubjectPrefix = "portico:auth:revoked:sub:";

}  // namespace

void Revocations::revokeToken(const std::string& jti, int64_t expiresAtS) {
  // A minute past expiry covers the verifiers' clock skew.
  std::string until = std::to_string(std::max<int64_t>(expiresAtS + 60, 1));
  redis_.withConnection([&](resources::RedisConnection& c) {
    resources::throwIfError(c.command({"SET", kJtiPrefix + jti, "1", "EXAT", until}),
                            "revoking a token");
  });
}

void Revocations::revokeSubject(const std::string& subject, int64_t nowMs) {
  std::string ttl = std::to_string(maxTtlS_ + 60);
  redis_.withConnection([&](resources::RedisConnection& c) {
    resources::throwIfError(
        c.command({"SET", kSubjectPrefix + subject, std::to_string(nowMs), "EX", ttl}),
        "revoking a subject");
  });
}

bool Revocations::isRevoked(const std::string& jti, const std::string& subject,
                            int64_t issuedAtMs) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"MGET", kJtiPrefix + jti, kSubjectPrefix + subject});
  });
  resources::throwIfError(reply, "checking revocations");
  auto values = resources::replyElements(reply);
  if (values.size() != 2) throw std::runtime_error("checking revocations: unexpected reply");
  if (!resources::replyIsNil(values[0])) return true;
  if (resources::replyIsNil(values[1])) return false;
  return issuedAtMs <= std::atoll(resources::replyText(values[1]).c_str());
}

}  // namespace portico::auth
