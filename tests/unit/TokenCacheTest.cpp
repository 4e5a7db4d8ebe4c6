// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "auth/TokenCache.h"

using portico::auth::CachedToken;
using portico::auth::TokenCache;

namespace {

std::shared_ptr<CachedToken> entry(const std::string& text, const std::string& subject) {
  portico::auth::VerifiedToken verified;
  verified.subject = subject;
  return std::make_shared<CachedToken>(text, verified, "access", nullptr);
}

}  // namespace

TEST(TokenCache, FindsByTheExactTextOnly) {
  TokenCache cache(64);
  cache.insert(entry("aaa.bbb.ccc", "u1"));
  std::string sent = "aaa.bbb.ccc";  // another buffer with the same text
  ASSERT_NE(cache.find(sent), nullptr);
  EXPECT_EQ(cache.find(sent)->token.subject, "u1");
  EXPECT_EQ(cache.find("aaa.bbb.cc"), nullptr);
  EXPECT_EQ(cache.find("aaa.bbb.ccd"), nullptr);
}

TEST(TokenCache, ANewerEntryForTheSameTokenReplacesTheOlder) {
  TokenCache cache(64);
  cache.insert(entry("t.o.k", "old"));
  cache.insert(entry("t.o.k", "new"));  // the old entry, whose text the key viewed, is freed
  ASSERT_NE(cache.find("t.o.k"), nullptr);
  EXPECT_EQ(cache.find("t.o.k")->token.subject, "new");
}

TEST(TokenCache, StaysWithinItsBound) {
  TokenCache cache(32);
  for (int i = 0; i < 1000; ++i) cache.insert(entry("token-" + std::to_string(i), "u"));
  int kept = 0;
  for (int i = 0; i < 1000; ++i) kept += cache.find("token-" + std::to_string(i)) != nullptr;
  EXPECT_GT(kept, 0);
  EXPECT_LE(kept, 16 * (32 / 16 + 1));
}
