// Validation and policy code of the auth and users plugins, on its own.
#include <gtest/gtest.h>

#include "Email.h"
#include "PasswordPolicy.h"
#include "ProfileFields.h"
#include "Settings.h"

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
