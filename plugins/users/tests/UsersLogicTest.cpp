// SPDX-License-Identifier: Apache-2.0
// The users plugin's field and settings validation on its own. Its HTTP behaviour is tested end
// to end in tests/e2e/UsersTest.cpp.
#include <gtest/gtest.h>

#include "ProfileFields.h"
#include "Settings.h"

TEST(Locale, Bcp47Shapes) {
  for (const char* ok : {"en", "pt-BR", "zh-Hant-TW", "gsw"})
    EXPECT_TRUE(users_plugin::isLocaleTag(ok)) << ok;
  for (const char* bad : {"", "e", "EN", "english", "en-", "en--US", "en_US", "en-US!"}) {
    EXPECT_FALSE(users_plugin::isLocaleTag(bad)) << bad;
  }
}

TEST(Settings, KnownKeysOnly) {
  namespace json = portico::json;
  EXPECT_NO_THROW(users_plugin::validateSettings(
      json::parse(R"({"theme":"light","notifications":{"digest":"off"},"beta_features":false})")));
  EXPECT_THROW(users_plugin::validateSettings(json::parse(R"({"theme":"blue"})")),
               portico::HttpError);
  EXPECT_THROW(users_plugin::validateSettings(json::parse("[]")), portico::HttpError);
  EXPECT_THROW(users_plugin::validateSettings(json::parse(R"({"notifications":{"fax":true}})")),
               portico::HttpError);
}
