// SPDX-License-Identifier: Apache-2.0
#include "auth/AuthService.h"

#include "common/IgnoreCase.h"
#include "common/Names.h"
#include "common/UnixTime.h"
#include "config/Config.h"
#include "log/Logging.h"

namespace portico::auth {
namespace {

using common::unixMs;

const char* const kRealm = "Bearer realm=\"portico\"";
// Refused because it is on the denylist, as opposed to malformed, forged or expired.
class RevokedError : public TokenError {
 public:
  using TokenError::TokenError;
};

// The token of "Authorization: Bearer <token>"; nullopt when the header is absent, an empty
// string when it is present but not a bearer credential.
// A view into the request's header: no copy on the path every authenticated request takes.
std::optional<std::string_view> bearerToken(std::optional<std::string_view> authorization) {
  if (!authorization) return std::nullopt;
  std::string_view value = *authorization;
  if (value.size() < 8 || !common::equalsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return std::string_view();
  }
  size_t start = value.find_first_not_of(' ', 7);
  return start == std::string_view::npos ? std::string_view() : value.substr(start);
}

std::string invalidChallenge(const std::string& why) {
  return std::string(kRealm) + ", error=\"invalid_token\", error_description=\"" + why + "\"";
}

}  // namespace

AuthOptions AuthOptions::fromConfig(const config::Config& c) {
  AuthOptions o;
  o.issuer = c.getString("auth.issuer");
  o.audience = c.getString("auth.audience");
  o.clockSkewS = c.getInt("auth.clock_skew_s", 0, 300);
  o.maxTtlS = c.getInt("auth.max_ttl_s", 60, int64_t{366} * 86400);
  o.accessTtlS = c.getInt("auth.access_ttl_s", 10, o.maxTtlS);
  o.revocationCheckMs = c.getInt("auth.revocation_check_ms", 0, 60000);
  o.cacheEntries = static_cast<size_t>(c.getInt("auth.cache_entries", 16, 10000000));
  return o;
}

AuthService::AuthService(Keyring keys, AuthOptions options, resources::RedisPool* redis,
                         resources::PgPool* postgres)
    : keys_(std::move(keys)),
      options_(std::move(options)),
      accessPolicy_{options_.issuer, options_.audience, "access", options_.clockSkewS,
                    options_.maxTtlS},
      servicePolicy_{options_.issuer, options_.audience, "service", options_.clockSkewS,
                     options_.maxTtlS},
      cache_(options_.cacheEntries) {
  if (redis) revocations_ = std::make_unique<Revocations>(*redis, postgres, options_.maxTtlS);
}

IssuedToken AuthService::issue(json::Value claims, int64_t ttlS, TokenUse use) const {
  const SigningKey* key = keys_.signer();
  if (key == nullptr) throw KeyError("no signing key is configured (auth.signing_key)");
  if (!claims.is_object()) throw TokenError("claims must be a JSON object");
  const json::Value* sub = claims.find("sub");
  if (sub == nullptr || !sub->is_string() || sub->as_string().empty() ||
      sub->as_string().size() > 256) {
    throw TokenError("claims need 'sub', a string of 1 to 256 bytes");
  }
  const json::Value* scope = claims.find("scope");
  if (scope != nullptr && (!scope->is_string() || !parseScopes(scope->as_string()))) {
    throw TokenError("claim 'scope' must be space-separated scopes of [A-Za-z0-9:._-]");
  }
  if (ttlS == 0) ttlS = options_.accessTtlS;
  if (ttlS < 0 || ttlS > options_.maxTtlS) {
    throw TokenError("ttl must be at most auth.max_ttl_s = " + std::to_string(options_.maxTtlS));
  }
  int64_t nowMs = unixMs();
  int64_t now = nowMs / 1000;
  IssuedToken out;
  out.id = newUuidV7(nowMs);
  out.expiresAt = now + ttlS;
  claims.set("iss", options_.issuer);
  claims.set("aud", options_.audience);
  claims.set("iat", now);
  claims.set("nbf", now);
  claims.set("exp", out.expiresAt);
  claims.set("jti", out.id);
  claims.set("token_use", use == TokenUse::Access ? "access" : "service");
  out.token = signJwt(*key, claims);
  return out;
}

std::shared_ptr<CachedToken> AuthService::check(std::string_view token, TokenUse use,
                                                int64_t nowMs) {
  const ClaimsPolicy& policy = use == TokenUse::Access ? accessPolicy_ : servicePolicy_;
  std::shared_ptr<CachedToken> entry = cache_.find(token);
  if (entry) {
    if (entry->use != policy.tokenUse) throw TokenError(wrongUse(policy.tokenUse));
    checkTimes(entry->token, options_.clockSkewS, nowMs / 1000);
  } else {
    VerifiedToken verified = verifyJwt(token, keys_, policy, nowMs / 1000);
    auto principal = std::make_shared<Principal>();
    principal->subject = verified.subject;
    principal->scope = verified.scope;
    principal->claims = verified.payload.dump();
    principal->tokenId = verified.id;
    principal->issuedAtMs = verified.issuedAtMs;
    principal->expiresAt = verified.expiresAt;
    if (use == TokenUse::Service) {
      const json::Value* svc = verified.payload.find("svc");
      principal->service = svc && svc->is_string() ? svc->as_string() : verified.subject;
    }
    entry = std::make_shared<CachedToken>(token, std::move(verified), policy.tokenUse,
                                          std::move(principal));
    cache_.insert(entry);
  }
  if (!revocations_) return entry;
  uint64_t epoch = revocationEpoch_.load();
  if (entry->checkedEpoch.load() == epoch &&
      nowMs - entry->checkedAtMs.load() < options_.revocationCheckMs) {
    return entry;
  }
  if (revocations_->isRevoked(entry->token.id, entry->token.subject, entry->token.issuedAtMs)) {
    throw RevokedError("token has been revoked");
  }
  entry->checkedAtMs = nowMs;
  entry->checkedEpoch = epoch;
  return entry;
}

AuthOutcome AuthService::finish(AuthOutcome out, Outcome outcome) {
  outcomes_[outcome].fetch_add(1, std::memory_order_relaxed);
  return out;
}

AuthOutcome AuthService::authenticate(const Credentials& sent, portico_auth_mode mode,
                                      const std::vector<std::string>& scopes) {
  AuthOutcome out;
  if (mode == PORTICO_AUTH_PUBLIC) return out;
  std::optional<std::string_view> bearer = bearerToken(sent.authorization);
  if (!bearer && !sent.serviceToken) {
    if (mode != PORTICO_AUTH_REQUIRED) return finish(std::move(out), Anonymous);
    out.status = 401;
    out.message = "this route needs a bearer token";
    out.challenge = kRealm;
    return finish(std::move(out), Missing);
  }
  int64_t nowMs = unixMs();
  std::shared_ptr<CachedToken> user;
  std::shared_ptr<CachedToken> service;
  try {
    if (bearer) {
      if (bearer->empty()) throw TokenError("Authorization is not 'Bearer <token>'");
      user = check(*bearer, TokenUse::Access, nowMs);
    }
    if (sent.serviceToken) service = check(*sent.serviceToken, TokenUse::Service, nowMs);
  } catch (const TokenError& e) {
    Outcome outcome = dynamic_cast<const RevokedError*>(&e) ? Revoked : Invalid;
    out.status = 401;
    out.message = e.what();
    out.challenge = invalidChallenge(e.what());
    return finish(std::move(out), outcome);
  } catch (const std::exception& e) {
    log::get("auth")->warn("cannot check tokens: {}", e.what());
    out.status = 503;
    out.message = "token checks are unavailable, try again later";
    return finish(std::move(out), Unavailable);
  }
  if (user && service) {
    auto both = std::make_shared<Principal>(*user->principal);
    both->service = service->principal->service;
    out.principal = std::move(both);
  } else {
    out.principal = user ? user->principal : service->principal;
  }
  for (const auto& scope : scopes) {
    if (!out.principal->hasScope(scope)) {
      out.status = 403;
      out.message = "this route needs scope '" + scope + "'";
      std::string all;
      for (const auto& s : scopes) all += (all.empty() ? "" : " ") + s;
      out.challenge = std::string(kRealm) + ", error=\"insufficient_scope\", scope=\"" + all + "\"";
      out.principal.reset();
      return finish(std::move(out), Forbidden);
    }
  }
  return finish(std::move(out), Accepted);
}

std::vector<std::pair<std::string, uint64_t>> AuthService::outcomeCounts() const {
  static const char* const names[kOutcomes] = {"accepted", "anonymous", "missing",    "invalid",
                                               "revoked",  "forbidden", "unavailable"};
  std::vector<std::pair<std::string, uint64_t>> out;
  out.reserve(kOutcomes);
  for (int i = 0; i < kOutcomes; ++i) out.emplace_back(names[i], outcomes_[i].load());
  return out;
}

void AuthService::restoreRevocations() {
  if (revocations_ && revocations_->restoreIfLost()) ++revocationEpoch_;
}

bool AuthService::sessionEnded(const std::string& subject, const std::string& tokenId,
                               int64_t issuedAtMs) {
  return revocations_ && revocations_->isRevoked(tokenId, subject, issuedAtMs);
}

void AuthService::revokeToken(const std::string& jti, int64_t expiresAtS) {
  if (!revocations_) throw std::runtime_error("revocation needs Redis (redis.url)");
  revocations_->revokeToken(jti, expiresAtS);
  ++revocationEpoch_;
}

void AuthService::revokeSubject(const std::string& subject) {
  if (!revocations_) throw std::runtime_error("revocation needs Redis (redis.url)");
  revocations_->revokeSubject(subject, unixMs());
  ++revocationEpoch_;
}

std::optional<std::vector<std::string>> parseScopes(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view scope = text.substr(start, end - start);
    if (!scope.empty()) {
      if (!common::isName(scope, 64, common::kLower | common::kUpper | common::kDigits, ":._-")) {
        return std::nullopt;
      }
      out.emplace_back(scope);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace portico::auth
