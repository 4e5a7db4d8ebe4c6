/* SPDX-License-Identifier: Apache-2.0 */
// The host's authentication: signs tokens for plugins, verifies the tokens requests carry
// against the route's auth mode and scopes, and keeps the denylist. Config (auth.*):
//   issuer, audience          claims every token carries and every verification demands
//   clock_skew_s              leeway on exp and nbf (30)
//   access_ttl_s, max_ttl_s   default and longest token lifetime (900, 2592000)
//   revocation_check_ms       how long a cached token is trusted before the denylist is asked
//                             again (1000; 0 = every request). A revocation takes effect at once
//                             on the host that made it.
//   cache_entries             verified tokens kept (65536)
// plus the keys (see Keyring.h). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/Jwt.h"
#include "auth/Keyring.h"
#include "auth/Principal.h"
#include "auth/Revocations.h"
#include "auth/TokenCache.h"
#include "portico/plugin.h"

namespace portico::config {
class Config;
}

namespace portico::auth {

enum class TokenUse { Access, Service };

// Defaults: conf/porticod.properties (auth.*).
struct AuthOptions {
  std::string issuer;
  std::string audience;
  int64_t clockSkewS = 0;
  int64_t accessTtlS = 0;
  int64_t maxTtlS = 0;
  int64_t revocationCheckMs = 0;
  size_t cacheEntries = 0;

  static AuthOptions fromConfig(const config::Config& config);
};

// What a request sent to prove who it is: the Authorization and X-Service-Token fields, each
// absent or a view that must outlive the authenticate call.
struct Credentials {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> serviceToken;
};

// What authenticate decided. status 0: go on (principal may be null on a PUBLIC or OPTIONAL
// route); otherwise answer status with message, and challenge as WWW-Authenticate if not empty.
struct AuthOutcome {
  int status = 0;
  std::string message;
  std::string challenge;
  std::shared_ptr<const Principal> principal;
};

struct IssuedToken {
  std::string token;
  std::string id;
  int64_t expiresAt = 0;
};

class AuthService {
 public:
  // redis may be null: then nothing can be revoked and no denylist is consulted. With postgres,
  // revocations are also kept there and survive Redis losing its data (Revocations.h).
  AuthService(Keyring keys, AuthOptions options, resources::RedisPool* redis,
              resources::PgPool* postgres);

  bool canSign() const { return keys_.signer() != nullptr; }
  const std::string& jwks() const { return keys_.jwks(); }
  const AuthOptions& options() const { return options_; }

  // Signs claims (a JSON object with a string `sub`; `scope` a string if present), adding iss,
  // aud, iat, nbf, exp, jti and token_use. ttlS 0 means auth.access_ttl_s. Throws TokenError
  // for bad claims or ttl, KeyError when no signing key is configured.
  IssuedToken issue(json::Value claims, int64_t ttlS, TokenUse use) const;

  AuthOutcome authenticate(const Credentials& sent, portico_auth_mode mode,
                           const std::vector<std::string>& scopes);

  // Both throw std::runtime_error when Redis is missing or unreachable (or PostgreSQL, when
  // there is one).
  void revokeToken(const std::string& jti, int64_t expiresAtS);
  void revokeSubject(const std::string& subject);
  // Whether a token that was valid has been revoked since (by its jti or its subject): for what
  // outlives a request, such as a stream or a push ticket. Throws when the denylist is unreachable.
  bool sessionEnded(const std::string& subject, const std::string& tokenId, int64_t issuedAtMs);
  // Puts the denylist back into a Redis that lost it (Revocations::restoreIfLost); throws when
  // Redis or PostgreSQL cannot be reached.
  void restoreRevocations();

  // How requests to OPTIONAL and REQUIRED routes fared, for portico_auth_total{result}:
  // accepted, anonymous (OPTIONAL without a token), missing, invalid, revoked, forbidden (scope),
  // unavailable (denylist unreachable).
  std::vector<std::pair<std::string, uint64_t>> outcomeCounts() const;

 private:
  enum Outcome {
    Accepted,
    Anonymous,
    Missing,
    Invalid,
    Revoked,
    Forbidden,
    Unavailable,
    kOutcomes
  };
  AuthOutcome finish(AuthOutcome out, Outcome outcome);

  // The cached or freshly verified token, after the time and denylist checks. Throws TokenError
  // when it is not valid, std::runtime_error when the denylist cannot be read.
  std::shared_ptr<CachedToken> check(std::string_view token, TokenUse use, int64_t nowMs);

  Keyring keys_;
  AuthOptions options_;
  ClaimsPolicy accessPolicy_;  // built once: verification is on every request's path
  ClaimsPolicy servicePolicy_;
  std::unique_ptr<Revocations> revocations_;
  TokenCache cache_;
  std::atomic<uint64_t> revocationEpoch_{0};
  std::array<std::atomic<uint64_t>, kOutcomes> outcomes_{};
};

// Validates a route's scope list ("a b c") and splits it. nullopt when a scope is malformed.
std::optional<std::vector<std::string>> parseScopes(std::string_view text);

}  // namespace portico::auth
