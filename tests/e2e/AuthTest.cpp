// SPDX-License-Identifier: Apache-2.0
// The auth plugin and the host's token checks over HTTP, against the test PostgreSQL and Redis:
// the whole session lifecycle, tokens checked by an independent JWT implementation (jose),
// forged tokens, refresh-token reuse, lockout, rate limits, service tokens, key rotation and a
// hot swap under sign-in load.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "AuthHarness.h"
#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "SharedHost.h"

using e2e::Porticod;
using e2e::Session;
namespace json = portico::json;

namespace {

class Auth : public e2e::SharedHost<Auth> {
 public:
  static Porticod::Options options() { return e2e::authHostOptions(); }

 protected:
  static e2e::Reply me(const std::string& token) {
    return e2e::withToken(*host, "GET", "/users/me", token);
  }
  static json::Value jwks() {
    return json::parse(e2e::get(host->port(), "/.well-known/jwks.json").body);
  }
  // jose's verification of token against the JWK Set; {exit code, claims as JSON text}.
  static std::pair<int, std::string> joseVerify(const std::string& token, const json::Value& set) {
    return e2e::jose(json::object({{"op", "verify"},
                                   {"jwks", set},
                                   {"token", token},
                                   {"issuer", "portico"},
                                   {"audience", "portico"}}));
  }
};

std::string segment(const std::string& token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  return token.substr(start, token.find('.', start) - start);
}

json::Value header(const std::string& token) {
  auto [code, text] = e2e::runCommand(
      "node -e \"process.stdout.write(Buffer.from(process.argv[1], 'base64url').toString())\" " +
      segment(token, 0));
  EXPECT_EQ(code, 0);
  return json::parse(text);
}

int64_t now() {
  return static_cast<int64_t>(std::time(nullptr));
}

void expectRefused(const e2e::Reply& r, const std::string& what) {
  EXPECT_EQ(r.status, 401) << what << ": " << r.body;
  EXPECT_NE(r.headers.count("www-authenticate"), 0u) << what;
  if (r.headers.count("www-authenticate")) {
    EXPECT_NE(r.headers.at("www-authenticate").find("invalid_token"), std::string::npos) << what;
  }
}

}  // namespace

TEST_F(Auth, WholeFlowFromRegisterToLogout) {
  std::string email = e2e::uniqueEmail("flow");
  Session s = e2e::signUp(*host, email);
  ASSERT_FALSE(s.access.empty());

  auto profile = me(s.access);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(profile.json().at("id").as_string(), s.userId);

  auto put = e2e::withToken(*host, "PUT", "/users/me/settings", s.access, R"({"theme":"dark"})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = e2e::withToken(*host, "GET", "/users/me/settings", s.access);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json().at("theme").as_string(), "dark");

  auto refreshed = e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", s.refresh}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  std::string access2 = refreshed.json().at("access_token").as_string();
  std::string refresh2 = refreshed.json().at("refresh_token").as_string();
  EXPECT_EQ(refreshed.json().at("token_type").as_string(), "Bearer");
  EXPECT_GT(refreshed.json().at("expires_in").as_int(), 0);
  EXPECT_NE(refresh2, s.refresh);
  EXPECT_EQ(me(access2).status, 200);

  auto out = e2e::withToken(*host, "POST", "/auth/logout", access2,
                            json::object({{"refresh_token", refresh2}}).dump());
  ASSERT_EQ(out.status, 204) << out.body;

  // Every token of the session is refused now: both access tokens and both refresh tokens.
  expectRefused(me(access2), "access token used for logout");
  expectRefused(me(s.access), "first access token of the session");
  for (const auto& r : {s.refresh, refresh2}) {
    EXPECT_EQ(e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", r}})).status, 401);
  }
  // Signing in again starts a new session.
  EXPECT_EQ(me(e2e::signIn(*host, email).access).status, 200);
}

TEST_F(Auth, TokensVerifyWithAnIndependentImplementation) {
  Session s = e2e::signUp(*host, e2e::uniqueEmail("jose"));
  json::Value set = jwks();
  auto [code, payload] = joseVerify(s.access, set);
  ASSERT_EQ(code, 0) << "jose refused porticod's token";
  auto claims = json::parse(payload);
  EXPECT_EQ(claims.at("sub").as_string(), s.userId);
  EXPECT_EQ(claims.at("scope").as_string(), "user");
  EXPECT_EQ(header(s.access).at("kid").as_string(), "es1");
  EXPECT_EQ(header(s.access).at("alg").as_string(), "ES256");

  // The JWK Set holds the public keys only: es1 and rs1, never the HS256 secret.
  std::vector<std::string> kids;
  for (const auto& k : set.at("keys").as_array()) {
    kids.push_back(k.at("kid").as_string());
    EXPECT_EQ(k.find("d"), nullptr) << "private part published";
    EXPECT_EQ(k.find("k"), nullptr) << "secret published";
  }
  EXPECT_EQ(kids, (std::vector<std::string>{"es1", "rs1"}));
}

TEST_F(Auth, ForgedTokensAreRefused) {
  Session s = e2e::signUp(*host, e2e::uniqueEmail("forge"));
  const auto& keys = e2e::testKeys();
  std::string es1 = e2e::readFile(keys.es1);
  json::Value claims = e2e::validClaims(s.userId);

  // Controls: what the forgeries start from is accepted, so each refusal below is for its flaw.
  ASSERT_EQ(me(e2e::forge("ES256", es1, "es1", claims)).status, 200);
  ASSERT_EQ(me(e2e::forge("HS256", keys.hsSecret, "hs1", claims)).status, 200);

  expectRefused(me(e2e::forge("none", "", "es1", claims)), "alg none");
  expectRefused(me(e2e::forge("ES256", e2e::readFile(keys.otherEc), "es1", claims)), "wrong key");
  expectRefused(me(e2e::forge("HS256", e2e::readFile(keys.rs1Pub), "rs1", claims)),
                "HS256 signed with the RS256 public key");
  json::Value expired = claims;
  expired.set("exp", now() - 120);
  expectRefused(me(e2e::forge("ES256", es1, "es1", expired)), "expired");
  json::Value early = claims;
  early.set("nbf", now() + 600);
  expectRefused(me(e2e::forge("ES256", es1, "es1", early)), "not yet valid");
  json::Value audience = claims;
  audience.set("aud", "someone-else");
  expectRefused(me(e2e::forge("ES256", es1, "es1", audience)), "wrong aud");
  json::Value issuer = claims;
  issuer.set("iss", "evil");
  expectRefused(me(e2e::forge("ES256", es1, "es1", issuer)), "wrong iss");
  expectRefused(me(e2e::forge("ES256", es1, "es9", claims)), "unknown kid");

  // A real token with its payload swapped for another user's: the signature no longer fits.
  json::Value other = e2e::validClaims("00000000-0000-4000-8000-000000000000");
  std::string real = s.access;
  std::string tampered = segment(real, 0) + "." +
                         segment(e2e::forge("ES256", es1, "es1", other), 1) + "." +
                         segment(real, 2);
  expectRefused(me(tampered), "tampered payload");
  expectRefused(me("not.a.token"), "garbage");
  EXPECT_EQ(me(s.access).status, 200);
}

TEST_F(Auth, MissingOrMalformedCredentialsGet401WithAChallenge) {
  auto none = e2e::get(host->port(), "/users/me");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers["www-authenticate"], "Bearer realm=\"portico\"");
  EXPECT_NE(none.json().at("message").as_string().find("bearer token"), std::string::npos);
  auto basic =
      e2e::request(host->port(), "GET", "/users/me", "", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  expectRefused(basic, "Basic credentials");
  // Operators see both kinds of refusal in /metrics.
  EXPECT_GE(e2e::metric(host->port(), "portico_auth_total{result=\"missing\"}"), 1);
  EXPECT_GE(e2e::metric(host->port(), "portico_auth_total{result=\"invalid\"}"), 1);
}

TEST_F(Auth, ReusingARotatedRefreshTokenRevokesItsFamily) {
  std::string email = e2e::uniqueEmail("reuse");
  Session s = e2e::signUp(*host, email);
  Session otherDevice = e2e::signIn(*host, email);
  auto first = e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", s.refresh}}));
  ASSERT_EQ(first.status, 200);
  std::string access2 = first.json().at("access_token").as_string();
  std::string refresh2 = first.json().at("refresh_token").as_string();

  auto replay = e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", s.refresh}}));
  EXPECT_EQ(replay.status, 401);
  EXPECT_NE(replay.json().at("message").as_string().find("already used"), std::string::npos);
  // The legitimate holder's newer tokens die with the family.
  EXPECT_EQ(e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", refresh2}})).status,
            401);
  expectRefused(me(access2), "access token of the revoked family");
  // Another session of the same user is untouched.
  EXPECT_EQ(me(otherDevice.access).status, 200);
  EXPECT_EQ(
      e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", otherDevice.refresh}}))
          .status,
      200);
}

TEST_F(Auth, TwentyWrongPasswordsStopTheGuesserNotTheOwner) {
  std::string email = e2e::uniqueEmail("lockout");
  e2e::signUp(*host, email);
  const std::string guesser = e2e::uniqueIp();
  auto attempt = [&](const std::string& password, const std::string& from) {
    return e2e::post(*host, "/auth/login", json::object({{"email", email}, {"password", password}}),
                     {{"X-Forwarded-For", from}});
  };
  for (int i = 0; i < 20; ++i) {
    auto r = attempt("wrong password " + std::to_string(i), guesser);
    ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
  }
  auto locked = attempt("correct horse battery", guesser);
  EXPECT_EQ(locked.status, 429) << locked.body;
  ASSERT_NE(locked.headers.count("retry-after"), 0u);
  int retry = std::atoi(locked.headers.at("retry-after").c_str());
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 900);
  // The owner, elsewhere, is not locked out by the guesser's failures.
  EXPECT_EQ(attempt("correct horse battery", e2e::uniqueIp()).status, 200);
}

TEST_F(Auth, FailuresFromManyAddressesDoNotLockTheOwnerOut) {
  std::string email = e2e::uniqueEmail("spread");
  e2e::signUp(*host, email);
  for (int i = 0; i < 25; ++i) {
    auto r =
        e2e::post(*host, "/auth/login",  // each from a new address
                  json::object({{"email", email}, {"password", "wrong " + std::to_string(i)}}));
    ASSERT_EQ(r.status, 401) << r.body;
  }
  EXPECT_FALSE(e2e::signIn(*host, email).access.empty());
}

TEST_F(Auth, LogoutWithTheAccessTokenAloneEndsTheWholeSession) {
  Session s = e2e::signUp(*host, e2e::uniqueEmail("logout"));
  auto refreshed = e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", s.refresh}}));
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  std::string access2 = refreshed.json().at("access_token").as_string();
  std::string refresh2 = refreshed.json().at("refresh_token").as_string();
  ASSERT_EQ(e2e::withToken(*host, "POST", "/auth/logout", access2).status, 204);
  expectRefused(me(access2), "the access token logged out with");
  expectRefused(me(s.access), "the session's earlier access token");
  EXPECT_EQ(e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", refresh2}})).status,
            401);
}

TEST_F(Auth, UnknownEmailAndWrongPasswordLookAndTakeTheSame) {
  // At bcrypt cost 10 (~50 ms) a skipped hash (~1 ms) stands out from any noise. The two kinds
  // of attempt alternate, so that a change in the machine's load weighs on both alike.
  Porticod slow(e2e::authHostOptions({{"plugin.auth.bcrypt_cost", "10"}}));
  std::string email = e2e::uniqueEmail("same");
  e2e::signUp(slow, email);
  std::string ghost = e2e::uniqueEmail("ghost");
  std::vector<double> wrongMs;
  std::vector<double> unknownMs;
  for (int i = 0; i < 14; ++i) {
    bool unknown = i % 2 == 1;
    auto start = std::chrono::steady_clock::now();
    auto r = e2e::post(
        slow, "/auth/login",
        json::object({{"email", unknown ? ghost : email}, {"password", "nope nope nope"}}));
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.json().at("message").as_string(), "email or password is wrong");
    (unknown ? unknownMs : wrongMs).push_back(ms);
  }
  std::sort(wrongMs.begin(), wrongMs.end());
  std::sort(unknownMs.begin(), unknownMs.end());
  double wrong = wrongMs[wrongMs.size() / 2];
  double unknown = unknownMs[unknownMs.size() / 2];
  EXPECT_GT(unknown, 0.5 * wrong) << "unknown " << unknown << " ms, wrong " << wrong;
  EXPECT_LT(unknown, 2.0 * wrong) << "unknown " << unknown << " ms, wrong " << wrong;
}

TEST_F(Auth, RegistrationValidatesInputAndHidesDuplicates) {
  auto reg = [&](const json::Value& body) { return e2e::post(*host, "/auth/register", body); };
  struct Case {
    json::Value body;
    std::string field;
  };
  std::string ok = "correct horse battery";
  std::vector<Case> cases = {
      {json::object({{"email", "not-an-email"}, {"password", ok}}), "email"},
      {json::object({{"email", "a@b"}, {"password", ok}}), "email"},
      {json::object({{"email", "x@example.com"}, {"password", "short"}}), "password"},
      {json::object({{"email", "x@example.com"}, {"password", "password123"}}), "password"},
      {json::object({{"email", "someone.long@example.com"}, {"password", "someone.long"}}),
       "password"},
      {json::object({{"email", "x@example.com"}, {"password", std::string(73, 'x')}}), "password"},
      {json::object({{"email", "x@example.com"}}), "password"},
      {json::object({{"email", "x@example.com"}, {"password", ok}, {"admin", true}}), "admin"},
      {json::object({{"email", 42}, {"password", ok}}), "email"},
  };
  for (const auto& c : cases) {
    auto r = reg(c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << " -> " << r.body;
    EXPECT_NE(r.body.find("'" + c.field + "'"), std::string::npos) << r.body;
  }
  EXPECT_EQ(e2e::request(host->port(), "POST", "/auth/register", "{not json",
                         {{"X-Forwarded-For", e2e::uniqueIp()}})
                .status,
            400);

  std::string email = e2e::uniqueEmail("dup");
  ASSERT_EQ(reg(json::object({{"email", email}, {"password", ok}})).status, 201);
  // Same address in other clothes: normalised to the same account.
  std::string shouted = "  " + email + " ";
  for (auto& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto dup = reg(json::object({{"email", shouted}, {"password", "another fine password"}}));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.body.find(email), std::string::npos) << "the 409 repeats the address";
  // Probing one address again and again, even from many client addresses, is cut off.
  int status = 0;
  for (int i = 0; i < 5 && status != 429; ++i) {
    status = reg(json::object({{"email", email}, {"password", "another fine password"}})).status;
  }
  EXPECT_EQ(status, 429);
}

TEST_F(Auth, SignUpsPerClientAddressAreRateLimited) {
  std::string ip = e2e::uniqueIp();
  for (int i = 0; i < 5; ++i) {
    auto r = e2e::post(
        *host, "/auth/register",
        json::object({{"email", e2e::uniqueEmail("rl")}, {"password", "correct horse battery"}}),
        {{"X-Forwarded-For", ip}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  auto sixth = e2e::post(
      *host, "/auth/register",
      json::object({{"email", e2e::uniqueEmail("rl")}, {"password", "correct horse battery"}}),
      {{"X-Forwarded-For", ip}});
  EXPECT_EQ(sixth.status, 429);
  EXPECT_NE(sixth.headers.count("retry-after"), 0u);
  // The limit is per address: the next one is not affected, and a spoofed left-most entry does
  // not move the count (only the hop our trusted proxy added counts).
  auto spoofed = e2e::post(
      *host, "/auth/register",
      json::object({{"email", e2e::uniqueEmail("rl")}, {"password", "correct horse battery"}}),
      {{"X-Forwarded-For", e2e::uniqueIp() + ", " + ip}});
  EXPECT_EQ(spoofed.status, 429);
  EXPECT_EQ(e2e::post(*host, "/auth/register",
                      json::object({{"email", e2e::uniqueEmail("rl")},
                                    {"password", "correct horse battery"}}))
                .status,
            201);
}

TEST_F(Auth, PasswordChangeEndsEverySession) {
  std::string email = e2e::uniqueEmail("pw");
  Session a = e2e::signUp(*host, email);
  Session b = e2e::signIn(*host, email);
  auto wrong =
      e2e::withToken(*host, "POST", "/auth/password", a.access,
                     R"({"current_password":"not it at all","new_password":"a brand new secret"})");
  EXPECT_EQ(wrong.status, 403);
  auto weak =
      e2e::withToken(*host, "POST", "/auth/password", a.access,
                     R"({"current_password":"correct horse battery","new_password":"short"})");
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.body.find("new_password"), std::string::npos);
  auto changed = e2e::withToken(
      *host, "POST", "/auth/password", a.access,
      R"({"current_password":"correct horse battery","new_password":"a brand new secret"})");
  ASSERT_EQ(changed.status, 204) << changed.body;
  expectRefused(me(a.access), "session a");
  expectRefused(me(b.access), "session b");
  EXPECT_EQ(e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", b.refresh}})).status,
            401);
  EXPECT_EQ(e2e::post(*host, "/auth/login",
                      json::object({{"email", email}, {"password", "correct horse battery"}}))
                .status,
            401);
  EXPECT_EQ(me(e2e::signIn(*host, email, "a brand new secret").access).status, 200);
}

TEST_F(Auth, ServiceTokensAreVerifiedByTheHostAndScoped) {
  Session user = e2e::signUp(*host, e2e::uniqueEmail("svc"));
  auto issued = e2e::admin(*host, "POST", "/admin/service-tokens/notify",
                           R"({"scope":"users:read","ttl_s":600})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  std::string token = issued.json().at("token").as_string();
  std::string path = "/internal/users/" + user.userId;

  auto ok = e2e::request(host->port(), "GET", path, "", {{"X-Service-Token", token}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("id").as_string(), user.userId);
  EXPECT_NE(ok.json().find("settings"), nullptr);

  // A user token lacks the scope: 403 with the scope named.
  auto forbidden = e2e::withToken(*host, "GET", path, user.access);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_NE(forbidden.headers["www-authenticate"].find("insufficient_scope"), std::string::npos);
  EXPECT_NE(forbidden.headers["www-authenticate"].find("users:read"), std::string::npos);
  // A service token is not a bearer token, nor the other way round.
  expectRefused(e2e::withToken(*host, "GET", path, token), "service token as bearer");
  expectRefused(e2e::request(host->port(), "GET", path, "", {{"X-Service-Token", user.access}}),
                "user token as service token");
  // Unknown fields are refused when issuing.
  EXPECT_EQ(e2e::admin(*host, "POST", "/admin/service-tokens/notify", R"({"scopes":"x"})").status,
            400);

  ASSERT_EQ(e2e::admin(*host, "POST", "/admin/service-tokens/notify/revoke").status, 200);
  expectRefused(e2e::request(host->port(), "GET", path, "", {{"X-Service-Token", token}}),
                "revoked service");
}

TEST_F(Auth, RotatedKeysKeepOldTokensValid) {
  const auto& keys = e2e::testKeys();
  std::string email = e2e::uniqueEmail("rotate");
  e2e::signUp(*host, email);
  std::string old = e2e::signIn(*host, email).access;

  // The next release signs with rs1 and keeps es1 for verification only.
  Porticod rotated(e2e::authHostOptions({{"auth.keys", "rs1, es1"},
                                         {"auth.signing_key", "rs1"},
                                         {"auth.key.rs1.file", keys.rs1},
                                         {"auth.key.es1.file", keys.es1}}));
  EXPECT_EQ(e2e::withToken(rotated, "GET", "/users/me", old).status, 200);
  std::string fresh = e2e::signIn(rotated, email).access;
  EXPECT_EQ(header(fresh).at("kid").as_string(), "rs1");
  EXPECT_EQ(header(fresh).at("alg").as_string(), "RS256");
  EXPECT_EQ(e2e::withToken(rotated, "GET", "/users/me", fresh).status, 200);
  // ... and the old release, which knows rs1's public key, accepts the new token too.
  EXPECT_EQ(me(fresh).status, 200);
}

TEST_F(Auth, AccessTokensLiveAsLongAsTheHostSays) {
  Porticod shortLived(e2e::authHostOptions({{"auth.access_ttl_s", "120"}}));
  std::string email = e2e::uniqueEmail("ttl");
  e2e::signUp(shortLived, email);
  auto login = e2e::post(shortLived, "/auth/login",
                         json::object({{"email", email}, {"password", "correct horse battery"}}));
  ASSERT_EQ(login.status, 200) << login.body;
  int64_t expiresIn = login.json().at("expires_in").as_int();
  EXPECT_GE(expiresIn, 119);
  EXPECT_LE(expiresIn, 120);
  auto [code, payload] = joseVerify(login.json().at("access_token").as_string(), jwks());
  ASSERT_EQ(code, 0);
  auto claims = json::parse(payload);
  EXPECT_EQ(claims.at("exp").as_int() - claims.at("iat").as_int(), 120);
}

TEST_F(Auth, HotSwapUnderSignInLoadFailsNoRequest) {
  std::string email = e2e::uniqueEmail("swap");
  Session before = e2e::signUp(*host, email);
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::mutex m;
  std::string sample;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!stop && std::chrono::steady_clock::now() < deadline) {
        // A client error (timeout, reset, a body that is not JSON) is a failed request, never an
        // exception out of the thread (that would abort the whole test binary).
        std::string why;
        try {
          auto login =
              e2e::post(*host, "/auth/login",
                        json::object({{"email", email}, {"password", "correct horse battery"}}));
          e2e::Reply next = login;
          if (login.status == 200) {
            next = e2e::post(*host, "/auth/refresh",
                             json::object({{"refresh_token", login.json().at("refresh_token")}}));
          }
          if (next.status != 200) why = std::to_string(next.status) + " " + next.body;
        } catch (const std::exception& e) {
          why = std::string("client error: ") + e.what();
        }
        if (why.empty()) {
          ++ok;
        } else {
          ++failed;
          std::lock_guard<std::mutex> lock(m);
          sample = why;
        }
      }
    });
  }
  // Sign-ins went through before each reload and after the last one.
  auto signedInAgain = [&] {
    int answered = ok.load() + failed.load();
    return e2e::eventually([&] { return ok.load() + failed.load() >= answered + 4; });
  };
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(signedInAgain());
    auto r = e2e::admin(*host, "POST", "/admin/plugins/auth/reload");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  EXPECT_TRUE(signedInAgain());
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0) << "e.g. " << sample;
  EXPECT_GT(ok.load(), 20);
  // Tokens the first generation issued are still good.
  EXPECT_EQ(me(before.access).status, 200);
  EXPECT_EQ(
      e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", before.refresh}})).status,
      200);
}

TEST_F(Auth, ARevocationReachesEveryHostWithinTheCheckInterval) {
  // Two porticod behind one nginx share PostgreSQL and Redis; the second one has already
  // verified (and cached) the token when the first one signs it out.
  Porticod other(e2e::authHostOptions({{"auth.revocation_check_ms", "500"}}));
  Session s = e2e::signUp(*host, e2e::uniqueEmail("twohosts"));
  ASSERT_EQ(e2e::withToken(other, "GET", "/users/me", s.access).status, 200);
  ASSERT_EQ(e2e::withToken(*host, "POST", "/auth/logout", s.access).status, 204);
  EXPECT_EQ(me(s.access).status, 401);  // at once where it was revoked
  auto signedOut = std::chrono::steady_clock::now();
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - signedOut < std::chrono::seconds(5)) {
    status = e2e::withToken(other, "GET", "/users/me", s.access).status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 401);
  EXPECT_LT(std::chrono::steady_clock::now() - signedOut, std::chrono::milliseconds(1500));
}
