// SPDX-License-Identifier: Apache-2.0
// How the host decides who is calling, per route auth mode, from the request headers alone.
#include <gtest/gtest.h>

#include <map>

#include "auth/AuthService.h"
#include "config/Config.h"

using namespace portico::auth;
namespace json = portico::json;

namespace {

AuthService makeService() {
  Keyring keys;
  keys.add(SigningKey::fromSecret("h1", std::string(40, 'k')));
  keys.setSigner("h1");
  return AuthService(std::move(keys), AuthOptions::fromConfig(portico::config::Config()), nullptr,
                     nullptr);
}

// The header fields of a request, owned for as long as the expression that sends them.
struct Sent {
  std::optional<std::string> authorization;
  std::optional<std::string> service;
  operator portico::auth::Credentials() const {
    portico::auth::Credentials c;
    if (authorization) c.authorization = *authorization;
    if (service) c.serviceToken = *service;
    return c;
  }
};

Sent requestWith(const std::string& bearer, const std::string& service = "") {
  Sent sent;
  if (!bearer.empty()) sent.authorization = "Bearer " + bearer;
  if (!service.empty()) sent.service = service;
  return sent;
}

}  // namespace

TEST(AuthModes, PublicLooksAtNothing) {
  AuthService auth = makeService();
  auto out = auth.authenticate(requestWith("garbage"), PORTICO_AUTH_PUBLIC, {});
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(out.principal, nullptr);
}

TEST(AuthModes, OptionalTakesATokenButNeedsNone) {
  AuthService auth = makeService();
  EXPECT_EQ(auth.authenticate(requestWith(""), PORTICO_AUTH_OPTIONAL, {}).status, 0);
  auto token = auth.issue(json::object({{"sub", "u1"}}), 0, TokenUse::Access).token;
  auto good = auth.authenticate(requestWith(token), PORTICO_AUTH_OPTIONAL, {});
  ASSERT_NE(good.principal, nullptr);
  EXPECT_EQ(good.principal->subject, "u1");
  auto bad = auth.authenticate(requestWith(token + "x"), PORTICO_AUTH_OPTIONAL, {});
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.challenge.find("invalid_token"), std::string::npos);
}

TEST(AuthModes, RequiredChallengesAndChecksScopes) {
  AuthService auth = makeService();
  auto none = auth.authenticate(requestWith(""), PORTICO_AUTH_REQUIRED, {});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.challenge, "Bearer realm=\"portico\"");
  auto token =
      auth.issue(json::object({{"sub", "u1"}, {"scope", "a b"}}), 0, TokenUse::Access).token;
  EXPECT_EQ(auth.authenticate(requestWith(token), PORTICO_AUTH_REQUIRED, {"a", "b"}).status, 0);
  auto missing = auth.authenticate(requestWith(token), PORTICO_AUTH_REQUIRED, {"a", "c"});
  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.principal, nullptr);
  EXPECT_NE(missing.challenge.find("scope=\"a c\""), std::string::npos);
}

TEST(AuthModes, AServiceMayActForAUser) {
  AuthService auth = makeService();
  auto user = auth.issue(json::object({{"sub", "u1"}}), 0, TokenUse::Access).token;
  auto service =
      auth.issue(json::object({{"sub", "service:billing"}, {"svc", "billing"}, {"scope", "x"}}), 0,
                 TokenUse::Service)
          .token;
  auto both = auth.authenticate(requestWith(user, service), PORTICO_AUTH_REQUIRED, {});
  ASSERT_NE(both.principal, nullptr);
  EXPECT_EQ(both.principal->subject, "u1");
  EXPECT_EQ(both.principal->service, "billing");
  auto alone = auth.authenticate(requestWith("", service), PORTICO_AUTH_REQUIRED, {"x"});
  ASSERT_NE(alone.principal, nullptr);
  EXPECT_EQ(alone.principal->subject, "service:billing");
  // Swapped headers are refused, also once the token is in the verified cache.
  EXPECT_EQ(auth.authenticate(requestWith(service), PORTICO_AUTH_REQUIRED, {}).status, 401);
  EXPECT_EQ(auth.authenticate(requestWith("", user), PORTICO_AUTH_REQUIRED, {}).status, 401);
}

TEST(AuthModes, OutcomesAreCountedForMetrics) {
  AuthService auth = makeService();
  auto token = auth.issue(json::object({{"sub", "u1"}}), 0, TokenUse::Access).token;
  auth.authenticate(requestWith(token), PORTICO_AUTH_REQUIRED, {});
  auth.authenticate(requestWith(token), PORTICO_AUTH_REQUIRED, {"admin"});
  auth.authenticate(requestWith(""), PORTICO_AUTH_REQUIRED, {});
  auth.authenticate(requestWith(""), PORTICO_AUTH_OPTIONAL, {});
  auth.authenticate(requestWith("x.y.z"), PORTICO_AUTH_OPTIONAL, {});
  auth.authenticate(requestWith("x.y.z"), PORTICO_AUTH_PUBLIC, {});  // not counted
  std::map<std::string, uint64_t> counts;
  for (const auto& [k, v] : auth.outcomeCounts()) counts[k] = v;
  EXPECT_EQ(counts["accepted"], 1u);
  EXPECT_EQ(counts["forbidden"], 1u);
  EXPECT_EQ(counts["missing"], 1u);
  EXPECT_EQ(counts["anonymous"], 1u);
  EXPECT_EQ(counts["invalid"], 1u);
  EXPECT_EQ(counts["revoked"], 0u);
}

TEST(AuthModes, RevocationWithoutRedisIsRefused) {
  AuthService auth = makeService();
  EXPECT_THROW(auth.revokeToken("id", 0), std::runtime_error);
  EXPECT_THROW(auth.revokeSubject("u1"), std::runtime_error);
}
