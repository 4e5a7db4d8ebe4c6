// SPDX-License-Identifier: Apache-2.0
// The host's JWT code without a server: encoding, signature and claim checks, and the refusals
// that matter most (alg none, algorithm confusion, crit, sloppy base64).
#include <gtest/gtest.h>

#include <ctime>

#include "auth/AuthService.h"
#include "auth/Base64Url.h"
#include "auth/Jwt.h"
#include "auth/Keyring.h"
#include "config/Config.h"

using namespace portico::auth;
namespace json = portico::json;

namespace {

const std::string kSecret(40, 's');

Keyring ring() {
  Keyring k;
  k.add(SigningKey::fromSecret("h1", kSecret));
  k.setSigner("h1");
  return k;
}

ClaimsPolicy policy() {
  return ClaimsPolicy{"portico", "portico", "access", 30};
}

json::Value claims(int64_t now) {
  return json::object({{"sub", "u1"},
                       {"iss", "portico"},
                       {"aud", "portico"},
                       {"iat", now},
                       {"exp", now + 60},
                       {"jti", newUuidV7(now * 1000)},
                       {"token_use", "access"}});
}

std::string withHeader(const std::string& token, const std::string& headerJson) {
  return base64UrlEncode(headerJson) + token.substr(token.find('.'));
}

}  // namespace

TEST(Base64Url, RoundTripsAndRefusesOtherSpellings) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "\xff\xfe\x00z"}) {
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(s)), s);
  }
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64UrlDecode("Zm9v="));  // padding
  EXPECT_FALSE(base64UrlDecode("Zm9+"));   // standard alphabet
  EXPECT_FALSE(base64UrlDecode("Zh"));     // non-zero trailing bits: a second spelling of "f"
  EXPECT_FALSE(base64UrlDecode("Z"));
  EXPECT_FALSE(base64UrlDecode("Zm 9v"));  // whitespace, which Poco's decoder skips
  EXPECT_FALSE(base64UrlDecode("Zm9v\n"));
  EXPECT_FALSE(base64UrlDecode("Zm9v!"));
}

TEST(Jwt, SignedTokenVerifiesAndCarriesItsClaims) {
  Keyring k = ring();
  int64_t now = std::time(nullptr);
  std::string token = signJwt(*k.signer(), claims(now));
  VerifiedToken v = verifyJwt(token, k, policy(), now);
  EXPECT_EQ(v.subject, "u1");
  EXPECT_EQ(v.expiresAt, now + 60);
  EXPECT_EQ(v.issuedAtMs, now * 1000);
}

TEST(Jwt, RefusesWhatAnAttackerSends) {
  Keyring k = ring();
  int64_t now = std::time(nullptr);
  std::string token = signJwt(*k.signer(), claims(now));
  std::string payload = token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1);
  auto refused = [&](const std::string& t) {
    EXPECT_THROW(verifyJwt(t, k, policy(), now), TokenError) << t;
  };
  refused(withHeader(token, R"({"alg":"none","kid":"h1"})"));
  refused(base64UrlEncode(R"({"alg":"none","kid":"h1"})") + "." + payload + ".");
  refused(withHeader(token, R"({"alg":"HS256","kid":"h1","crit":["exp"]})"));
  refused(withHeader(token, R"({"alg":"RS256","kid":"h1"})"));
  refused(withHeader(token, R"({"alg":"HS256","kid":"nope"})"));
  refused(token + "x");
  refused(token.substr(0, token.rfind('.')));
  refused("a.b.c.d");
  refused(std::string(9000, 'a'));
  EXPECT_THROW(verifyJwt(token, k, ClaimsPolicy{"portico", "other", "access", 30}, now),
               TokenError);
  EXPECT_THROW(verifyJwt(token, k, ClaimsPolicy{"portico", "portico", "service", 30}, now),
               TokenError);
  EXPECT_THROW(verifyJwt(token, k, policy(), now + 91), TokenError);  // exp + skew passed
  EXPECT_NO_THROW(verifyJwt(token, k, policy(), now + 89));
}

TEST(Jwt, RefusesTokensItsOwnKeySignedBadly) {
  // Signed with a key the host trusts, yet still refused: one claim name twice, a lifetime past
  // auth.max_ttl_s, an iat in the future.
  Keyring k = ring();
  int64_t now = std::time(nullptr);
  json::Value twice = claims(now);
  twice.as_object().emplace_back("sub", json::Value("admin"));
  EXPECT_THROW(verifyJwt(signJwt(*k.signer(), twice), k, policy(), now), TokenError);

  json::Value decade = claims(now);
  decade.set("exp", now + 10 * 365 * 86400);
  ClaimsPolicy day{"portico", "portico", "access", 30, 86400};
  EXPECT_THROW(verifyJwt(signJwt(*k.signer(), decade), k, day, now), TokenError);
  json::Value fullDay = claims(now);
  fullDay.set("exp", now + 86400);
  EXPECT_NO_THROW(verifyJwt(signJwt(*k.signer(), fullDay), k, day, now));

  json::Value future = claims(now);
  future.set("iat", now + 3600);
  future.set("exp", now + 3660);
  EXPECT_THROW(verifyJwt(signJwt(*k.signer(), future), k, policy(), now), TokenError);
  future.set("iat", now + 20);  // within the clock skew
  EXPECT_NO_THROW(verifyJwt(signJwt(*k.signer(), future), k, policy(), now));
}

TEST(Jwt, RefusesKeysThatAreTooWeak) {
  EXPECT_THROW(SigningKey::fromSecret("short", "only-31-bytes-of-secret-here!!!"), KeyError);
  EXPECT_THROW(algorithmFromString("none"), KeyError);
  EXPECT_THROW(algorithmFromString("HS512"), KeyError);
}

TEST(Jwt, UuidV7CarriesItsMilliseconds) {
  std::string id = newUuidV7(1732411234123);
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '7');
  EXPECT_EQ(uuidV7Millis(id), 1732411234123);
  EXPECT_EQ(uuidV7Millis("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), -1);  // a v4
  EXPECT_NE(newUuidV7(1), newUuidV7(1));
}

TEST(Scopes, ParseAndRefuse) {
  EXPECT_EQ(*parseScopes("users:read  admin"), (std::vector<std::string>{"users:read", "admin"}));
  EXPECT_TRUE(parseScopes("")->empty());
  EXPECT_FALSE(parseScopes("a\"b"));
  EXPECT_FALSE(parseScopes(std::string(65, 'a')));
}

TEST(AuthService, IssuedTokensVerifyAndBadClaimsAreRefused) {
  AuthService auth(ring(), AuthOptions::fromConfig(portico::config::Config()), nullptr, nullptr);
  auto issued = auth.issue(json::object({{"sub", "u9"}, {"scope", "a b"}}), 0, TokenUse::Access);
  VerifiedToken v = verifyJwt(issued.token, ring(), policy(), std::time(nullptr));
  EXPECT_EQ(v.subject, "u9");
  EXPECT_EQ(v.scope, "a b");
  EXPECT_EQ(v.id, issued.id);
  EXPECT_THROW(auth.issue(json::object({{"scope", "a"}}), 0, TokenUse::Access), TokenError);
  EXPECT_THROW(auth.issue(json::object({{"sub", "u"}, {"scope", 3}}), 0, TokenUse::Access),
               TokenError);
  EXPECT_THROW(auth.issue(json::object({{"sub", "u"}}), 10 * 366 * 86400, TokenUse::Access),
               TokenError);
  AuthService unsigned_(Keyring(), AuthOptions::fromConfig(portico::config::Config()), nullptr,
                        nullptr);
  EXPECT_THROW(unsigned_.issue(json::object({{"sub", "u"}}), 0, TokenUse::Access), KeyError);
}
