// SPDX-License-Identifier: Apache-2.0
// Revocations outlive Redis losing its data: each is kept in PostgreSQL too, and a host that finds
// the denylist gone puts it back before it answers. Without that, a logged-out token (and every
// token of an account whose password changed) would be good again until it expired.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "AuthHarness.h"
#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "Services.h"

using e2e::Porticod;
using e2e::Session;
namespace json = portico::json;

namespace {

int me(const Porticod& host, const std::string& token) {
  return e2e::withToken(host, "GET", "/users/me", token).status;
}

}  // namespace

TEST(Revocation, RevokedTokensStayRefusedOnEveryHostAfterRedisLosesItsData) {
  e2e::PrivateServices services;
  // No cache of checked tokens: each request asks the denylist.
  auto options = e2e::authHostOptions({{"database.url", services.databaseUrl()},
                                       {"redis.url", services.redisUrl()},
                                       {"auth.revocation_check_ms", "0"}});
  Porticod a(options);
  Porticod b(options);
  std::vector<const Porticod*> hosts = {&a, &b};

  // One token logged out (its jti revoked), one account whose password changed (its subject
  // revoked), and a session nobody revoked.
  Session loggedOut = e2e::signUp(a, e2e::uniqueEmail("revoked-jti"));
  const std::string changedEmail = e2e::uniqueEmail("revoked-sub");
  Session changed = e2e::signUp(a, changedEmail);
  Session kept = e2e::signUp(b, e2e::uniqueEmail("kept"));
  ASSERT_EQ(e2e::withToken(a, "POST", "/auth/logout", loggedOut.access).status, 204);
  auto password = e2e::withToken(b, "POST", "/auth/password", changed.access,
                                 json::object({{"current_password", "correct horse battery"},
                                               {"new_password", "another horse, stapled"}})
                                     .dump());
  ASSERT_EQ(password.status, 204) << password.body;

  // A host may answer 503 while its Redis connections come back (the denylist unreachable:
  // refused all the same); once the unrevoked token passes again, the revoked ones get 401.
  auto expectDenylistHolds = [&](const std::string& when) {
    for (const Porticod* host : hosts) {
      EXPECT_TRUE(e2e::eventually([&] { return me(*host, kept.access) == 200; }))
          << when << ": a token nobody revoked";
      EXPECT_EQ(me(*host, loggedOut.access), 401) << when << ": the logged-out token";
      EXPECT_EQ(me(*host, changed.access), 401) << when << ": a token from before the new password";
    }
  };
  expectDenylistHolds("before");

  services.redisCommand("FLUSHALL");
  expectDenylistHolds("after FLUSHALL");

  // Redis restarts with nothing (the tests' Redis keeps no dump).
  services.stopRedis();
  services.startRedis();
  expectDenylistHolds("after a restart without data");
  EXPECT_TRUE(a.logs().find("revocations put back from PostgreSQL") != std::string::npos ||
              b.logs().find("revocations put back from PostgreSQL") != std::string::npos);
}
