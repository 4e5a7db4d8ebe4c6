// SPDX-License-Identifier: Apache-2.0
#include "auth/Revocations.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "log/Logging.h"
#include "portico/json.hpp"
#include "resources/redis/RedisReply.h"

namespace portico::auth {
namespace {

const char* const kJtiPrefix = "portico:auth:revoked:jti:";
const char* const kSubjectPrefix = "portico:auth:revoked:sub:";
const char* const kLoaded = "portico:auth:revoked:loaded";
// A minute past expiry covers the verifiers' clock skew.
constexpr int64_t kSkewS = 60;
// Restoring writes this many keys per round trip.
constexpr size_t kBatch = 500;

// A subject's mark only ever moves later: a restore that read an older value from PostgreSQL
// must not undo a revocation made meanwhile.
const char* const kRaiseSubject =
    "local v = redis.call('GET', KEYS[1]) "
    "if v and tonumber(v) >= tonumber(ARGV[1]) then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2]) return 1";

std::vector<std::string> raiseSubject(const std::string& subject, int64_t atMs, int64_t untilS) {
  return {"EVAL",
          kRaiseSubject,
          "1",
          kSubjectPrefix + subject,
          std::to_string(atMs),
          std::to_string(untilS)};
}

}  // namespace

void Revocations::denyAndAnnounce(std::vector<std::string> write, const json::Value& notice,
                                  const char* what) {
  redis_.withConnection([&](resources::RedisConnection& c) {
    auto replies = c.pipeline({std::move(write), {"PUBLISH", kNoticeChannel, notice.dump()}});
    resources::throwIfError(replies.at(0), what);
  });
}

void Revocations::revokeToken(const std::string& jti, int64_t expiresAtS) {
  int64_t until = std::max<int64_t>(expiresAtS + kSkewS, 1);
  if (postgres_ != nullptr) {
    postgres_->withConnection([&](resources::PgConnection& c) {
      c.execute(
          "INSERT INTO portico_host.auth_revocations (kind, id, expires_at) "
          "VALUES ('jti', $1, to_timestamp($2::bigint)) "
          "ON CONFLICT (kind, id) DO UPDATE SET expires_at = "
          "GREATEST(portico_host.auth_revocations.expires_at, EXCLUDED.expires_at)",
          {{0, jti}, {0, std::to_string(until)}});
    });
  }
  denyAndAnnounce({"SET", kJtiPrefix + jti, "1", "EXAT", std::to_string(until)},
                  json::object({{"jti", jti}}), "revoking a token");
}

void Revocations::revokeSubject(const std::string& subject, int64_t nowMs) {
  int64_t until = nowMs / 1000 + maxTtlS_ + kSkewS;
  if (postgres_ != nullptr) {
    postgres_->withConnection([&](resources::PgConnection& c) {
      c.execute(
          "INSERT INTO portico_host.auth_revocations (kind, id, revoked_at_ms, expires_at) "
          "VALUES ('sub', $1, $2::bigint, to_timestamp($3::bigint)) "
          "ON CONFLICT (kind, id) DO UPDATE SET "
          "revoked_at_ms = GREATEST(portico_host.auth_revocations.revoked_at_ms, "
          "EXCLUDED.revoked_at_ms), "
          "expires_at = GREATEST(portico_host.auth_revocations.expires_at, EXCLUDED.expires_at)",
          {{0, subject}, {0, std::to_string(nowMs)}, {0, std::to_string(until)}});
    });
  }
  denyAndAnnounce(raiseSubject(subject, nowMs, until),
                  json::object({{"sub", subject}, {"at_ms", nowMs}}), "revoking a subject");
}

bool Revocations::isRevoked(const std::string& jti, const std::string& subject,
                            int64_t issuedAtMs) {
  for (int attempt = 0;; ++attempt) {
    auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
      return c.command({"MGET", kJtiPrefix + jti, kSubjectPrefix + subject, kLoaded});
    });
    resources::throwIfError(reply, "checking revocations");
    auto values = resources::replyElements(reply);
    if (values.size() != 3) throw std::runtime_error("checking revocations: unexpected reply");
    if (!resources::replyIsNil(values[0])) return true;
    if (postgres_ != nullptr && resources::replyIsNil(values[2]) && attempt == 0) {
      restore();
      continue;
    }
    if (resources::replyIsNil(values[1])) return false;
    return issuedAtMs <= std::atoll(resources::replyText(values[1]).c_str());
  }
}

bool Revocations::restoreIfLost() {
  if (postgres_ == nullptr) return false;
  auto loaded = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"EXISTS", kLoaded});
  });
  resources::throwIfError(loaded, "checking revocations");
  if (resources::replyText(loaded) == "1") return false;
  restore();
  return true;
}

void Revocations::restore() {
  std::vector<std::vector<std::string>> commands;
  postgres_->withConnection([&](resources::PgConnection& c) {
    auto rows = c.execute(
        "SELECT kind, id, revoked_at_ms, extract(epoch FROM expires_at)::bigint "
        "FROM portico_host.auth_revocations WHERE expires_at > now()",
        {});
    for (int r = 0; r < rows.rows(); ++r) {
      std::string kind = rows.value(r, 0), id = rows.value(r, 1), until = rows.value(r, 3);
      if (kind == "jti") {
        commands.push_back({"SET", kJtiPrefix + id, "1", "EXAT", until});
      } else {
        commands.push_back(
            raiseSubject(id, std::atoll(rows.value(r, 2)), std::atoll(until.c_str())));
      }
    }
    // What no token can need any more goes, while we are here.
    c.execute(
        "DELETE FROM portico_host.auth_revocations WHERE expires_at < now() - interval '1 day'",
        {});
  });
  commands.push_back({"SET", kLoaded, "1"});
  for (size_t at = 0; at < commands.size(); at += kBatch) {
    std::vector<std::vector<std::string>> batch(
        commands.begin() + static_cast<long>(at),
        commands.begin() + static_cast<long>(std::min(commands.size(), at + kBatch)));
    auto replies =
        redis_.withConnection([&](resources::RedisConnection& c) { return c.pipeline(batch); });
    for (const auto& reply : replies) resources::throwIfError(reply, "restoring revocations");
  }
  log::get("auth")->warn(
      "Redis had lost the token denylist: {} revocations put back from PostgreSQL",
      commands.size() - 1);
}

}  // namespace portico::auth
