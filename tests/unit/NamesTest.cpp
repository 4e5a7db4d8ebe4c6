// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include "common/Names.h"

using portico::common::isName;
using portico::common::kDigits;
using portico::common::kLower;
using portico::common::kUpper;

TEST(Names, LengthIsOneToMax) {
  EXPECT_FALSE(isName("", 4, kLower));
  EXPECT_TRUE(isName("abcd", 4, kLower));
  EXPECT_FALSE(isName("abcde", 4, kLower));
}

TEST(Names, OnlyTheNamedClassesAndExtras) {
  EXPECT_TRUE(isName("ab12", 8, kLower | kDigits));
  EXPECT_FALSE(isName("Ab12", 8, kLower | kDigits));
  EXPECT_TRUE(isName("Ab12", 8, kLower | kUpper | kDigits));
  EXPECT_FALSE(isName("a-b", 8, kLower));
  EXPECT_TRUE(isName("a-b", 8, kLower, "-"));
  // Bytes outside ASCII, NUL and separators are never letters.
  EXPECT_FALSE(isName("a\xc3\xa9", 8, kLower | kUpper));
  EXPECT_FALSE(isName(std::string_view("a\0b", 3), 8, kLower));
  EXPECT_FALSE(isName("a b", 8, kLower));
}
