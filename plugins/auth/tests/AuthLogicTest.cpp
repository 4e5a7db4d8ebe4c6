// SPDX-License-Identifier: Apache-2.0
// The auth plugin's validation and policy code on its own: e-mail, password policy, bcrypt and
// the hashing pool. Its HTTP behaviour is tested end to end in tests/e2e/AuthTest.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "Bcrypt.h"
#include "Email.h"
#include "HashPool.h"
#include "PasswordPolicy.h"

TEST(Email, NormalisesAndRefuses) {
  std::string why;
  EXPECT_EQ(auth_plugin::normaliseEmail("  Ada.Lovelace+x@Example.COM ", &why),
            "ada.lovelace+x@example.com");
  for (const char* bad :
       {"", "ada", "ada@", "@example.com", "a@@example.com", "a@b@example.com", ".ada@example.com",
        "ada.@example.com", "a..b@example.com", "ada@example", "ada@-example.com", "ada@example.c",
        "ada@exa mple.com", "ad\xc3\xa4@example.com", "ada@example.123"}) {
    EXPECT_FALSE(auth_plugin::normaliseEmail(bad, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
  EXPECT_FALSE(auth_plugin::normaliseEmail(std::string(65, 'a') + "@example.com", &why));
}

TEST(PasswordPolicy, LengthEmailAndCommonPasswords) {
  EXPECT_FALSE(auth_plugin::checkPassword("correct horse battery", "ada@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword("short", "ada@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword(std::string(73, 'x'), "ada@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword("Password123", "ada@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword("adalovelace", "adalovelace@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword("ADA@EXAMPLE.COM", "ada@example.com"));
  EXPECT_TRUE(auth_plugin::checkPassword(std::string("0123456789\0x", 12), "ada@example.com"));
}

TEST(Bcrypt, HashesAs2bAndVerifies) {
  std::string hash = auth_plugin::bcryptHash("correct horse battery", 4);
  EXPECT_EQ(hash.rfind("$2b$04$", 0), 0u) << hash;
  EXPECT_TRUE(auth_plugin::bcryptVerify("correct horse battery", hash));
  EXPECT_FALSE(auth_plugin::bcryptVerify("correct horse batterY", hash));
  EXPECT_FALSE(auth_plugin::bcryptVerify("x", "not a hash"));
  EXPECT_NE(auth_plugin::bcryptHash("same", 4), auth_plugin::bcryptHash("same", 4));  // salted
}

TEST(HashPool, BoundsTheQueueAndTheWait) {
  using namespace std::chrono_literals;
  auth_plugin::HashPool pool({1, 1, 10s, 10s});
  std::string hash = pool.hash("correct horse battery", 4);
  EXPECT_TRUE(pool.verify("correct horse battery", hash));

  // One worker, room for one more: of many simultaneous cost-10 hashes (~50 ms each) some are
  // refused at once with 503 rather than queued without bound.
  std::atomic<int> busy{0};
  std::atomic<int> done{0};
  std::vector<std::thread> callers;
  callers.reserve(8);
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([&] {
      try {
        pool.hash("correct horse battery", 10);
        ++done;
      } catch (const portico::HttpError& e) {
        EXPECT_EQ(e.status(), 503);
        ++busy;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_GT(busy.load(), 0);
  EXPECT_GE(done.load(), 1);

  auth_plugin::HashPool impatient({1, 4, 10s, 1ms});
  EXPECT_THROW(impatient.hash("correct horse battery", 12), portico::HttpError);
}

TEST(HashPool, TakesAHashBackWhenNoWorkerGetsToIt) {
  using namespace std::chrono_literals;
  // Zero patience: the caller takes its hash back before the worker can start it and runs it
  // itself; the result is the same.
  auth_plugin::HashPool pool({1, 4, 0ms, 10s});
  for (int i = 0; i < 5; ++i) {
    std::string hash = pool.hash("correct horse battery", 4);
    EXPECT_TRUE(pool.verify("correct horse battery", hash));
    EXPECT_FALSE(pool.verify("wrong horse battery", hash));
  }
}
