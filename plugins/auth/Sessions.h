/* SPDX-License-Identifier: Apache-2.0 */
// Sign-in sessions: an access token signed by the host plus an opaque refresh token. Refresh
// tokens are stored only as SHA-256 hashes and belong to a family (one sign-in); each refresh
// rotates the token, and presenting a token that was already rotated means it leaked, so the
// whole family is revoked.
#pragma once

#include <cstdint>
#include <string>

#include "portico/sdk.hpp"

namespace auth_plugin {

struct TokenPair {
  std::string accessToken;
  std::string refreshToken;
  int64_t expiresIn = 0;

  portico::json::Value toJson() const;
};

struct SessionSettings {
  int64_t refreshTtlS = int64_t{30} * 86400;
  std::string userScope = "user";  // scopes every user token carries
};

class Sessions {
 public:
  Sessions(const portico::Host& host, SessionSettings settings)
      : host_(host), settings_(std::move(settings)) {}

  // A new family for userId.
  TokenPair start(portico::Db& db, const std::string& userId) const;
  // Exchanges a refresh token for a new pair. Throws HttpError 401 for an unknown, expired or
  // revoked token, or one of a disabled (deleted) account; when the token had already been rotated,
  // first ends its whole session.
  TokenPair rotate(const portico::Scope& call, const std::string& refreshToken) const;
  // Ends the session of refreshToken if it belongs to userId (logout): its refresh tokens and
  // every access token issued in it. Unknown tokens are ignored: logout must not tell an
  // attacker which tokens exist.
  void endFamily(portico::Db& db, const std::string& refreshToken, const std::string& userId) const;
  // Ends the session in which the access token `accessJti` was issued (logout with no refresh
  // token in hand). Unknown ids are ignored, like unknown refresh tokens.
  void endSessionOf(portico::Db& db, const std::string& accessJti, const std::string& userId) const;
  // Revokes every refresh token of userId (password change); the caller revokes the subject.
  void endAll(portico::Db& db, const std::string& userId) const;

 private:
  // Inserts a refresh token with a freshly issued access token into familyId.
  TokenPair issuePair(portico::Db& db, const std::string& userId,
                      const std::string& familyId) const;
  // Revokes the family's refresh tokens and its access tokens that have not expired yet.
  void revokeFamily(portico::Db& db, const std::string& familyId) const;

  const portico::Host& host_;
  SessionSettings settings_;
};

}  // namespace auth_plugin
