// SPDX-License-Identifier: Apache-2.0
#include "Sessions.h"

#include <algorithm>
#include <ctime>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace auth_plugin {
namespace {

using portico::Bytes;
using portico::HttpError;
using portico::Uuid;

constexpr size_t kRefreshBytes = 32;

std::string hex(const unsigned char* data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

std::string newRefreshToken() {
  unsigned char bytes[kRefreshBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  return hex(bytes, sizeof bytes);
}

std::string sha256(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<char*>(digest), len);
}

HttpError invalidRefresh(const char* why) {
  return HttpError(401, std::string("refresh token ") + why);
}

}  // namespace

portico::json::Value TokenPair::toJson() const {
  return portico::json::object({{"access_token", accessToken},
                                {"refresh_token", refreshToken},
                                {"token_type", "Bearer"},
                                {"expires_in", expiresIn}});
}

TokenPair Sessions::issuePair(portico::Db& db, const std::string& userId,
                              const std::string& familyId) const {
  // Lifetime 0: the host's auth.access_ttl_s, so that one setting governs every access token.
  portico::IssuedToken access = host_.issue_token(
      portico::json::object({{"sub", userId}, {"scope", settings_.userScope}}), 0);
  TokenPair pair;
  pair.accessToken = access.token;
  pair.refreshToken = newRefreshToken();
  pair.expiresIn = std::max<int64_t>(1, access.expires_at - std::time(nullptr));
  db.execute(
      "INSERT INTO auth_refresh_tokens (token_hash, family_id, user_id, expires_at, access_jti, "
      "access_expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)",
      {Bytes{sha256(pair.refreshToken)}, Uuid{familyId}, Uuid{userId}, settings_.refreshTtlS,
       access.id, access.expires_at});
  return pair;
}

void Sessions::revokeFamily(portico::Db& db, const std::string& familyId) const {
  auto live = db.query(
      "UPDATE auth_refresh_tokens SET revoked_at = coalesce(revoked_at, now()) "
      "WHERE family_id = $1 RETURNING access_jti, access_expires_at, "
      "access_expires_at > extract(epoch FROM now()) AS live",
      {Uuid{familyId}});
  for (size_t i = 0; i < live.size(); ++i) {
    if (live.at(i, "live").as_bool()) {
      host_.revoke_token(live.at(i, "access_jti").as_text(),
                         live.at(i, "access_expires_at").as_int());
    }
  }
}

TokenPair Sessions::start(portico::Db& db, const std::string& userId) const {
  auto family = db.query("SELECT gen_random_uuid()::text");
  return issuePair(db, userId, std::string(family.at(0, 0).as_text()));
}

TokenPair Sessions::rotate(const portico::Scope& call, const std::string& refreshToken) const {
  Bytes hash{sha256(refreshToken)};
  portico::Db db(call);
  auto tx = db.begin();
  auto rows = db.query(
      "SELECT t.family_id::text, t.user_id::text, t.rotated_at IS NOT NULL AS rotated, "
      "t.revoked_at IS NOT NULL OR t.expires_at <= now() OR c.disabled_at IS NOT NULL AS dead "
      "FROM auth_refresh_tokens t JOIN auth_credentials c USING (user_id) "
      "WHERE t.token_hash = $1 FOR UPDATE OF t",
      {hash});
  if (rows.size() == 0) throw invalidRefresh("is not valid");
  std::string familyId(rows.at(0, "family_id").as_text());
  std::string userId(rows.at(0, "user_id").as_text());
  if (rows.at(0, "dead").as_bool()) throw invalidRefresh("has expired or was revoked");
  if (rows.at(0, "rotated").as_bool()) {
    revokeFamily(db, familyId);
    tx.commit();
    host_.warn("refresh token reused: session " + familyId + " of user " + userId + " revoked");
    throw invalidRefresh("was already used; the session has been revoked");
  }
  db.execute("UPDATE auth_refresh_tokens SET rotated_at = now() WHERE token_hash = $1", {hash});
  TokenPair pair = issuePair(db, userId, familyId);
  tx.commit();
  return pair;
}

void Sessions::endFamily(portico::Db& db, const std::string& refreshToken,
                         const std::string& userId) const {
  auto rows = db.query(
      "SELECT family_id::text FROM auth_refresh_tokens WHERE token_hash = $1 AND user_id = $2",
      {Bytes{sha256(refreshToken)}, Uuid{userId}});
  if (rows.size() == 1) revokeFamily(db, std::string(rows.at(0, 0).as_text()));
}

void Sessions::endSessionOf(portico::Db& db, const std::string& accessJti,
                            const std::string& userId) const {
  auto rows = db.query(
      "SELECT family_id::text FROM auth_refresh_tokens WHERE access_jti = $1 AND user_id = $2",
      {accessJti, Uuid{userId}});
  if (rows.size() > 0) revokeFamily(db, std::string(rows.at(0, 0).as_text()));
}

void Sessions::endAll(portico::Db& db, const std::string& userId) const {
  db.execute(
      "UPDATE auth_refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
      {Uuid{userId}});
}

}  // namespace auth_plugin
