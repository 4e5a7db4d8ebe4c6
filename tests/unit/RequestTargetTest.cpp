// SPDX-License-Identifier: Apache-2.0
#include "http/RequestTarget.h"

#include <gtest/gtest.h>

using portico::http::parseTarget;
using portico::http::queryParam;
using portico::http::RequestTarget;

TEST(RequestTarget, DecodesEachSegmentOnItsOwn) {
  RequestTarget t;
  ASSERT_FALSE(parseTarget("/files/a%2Fb/c%20d?x=1", t).has_value());
  EXPECT_EQ(t.segments, (std::vector<std::string>{"files", "a/b", "c d"}));
  EXPECT_EQ(t.path, "/files/a/b/c d");
  EXPECT_EQ(t.query, "x=1");
}

TEST(RequestTarget, RefusesWhatARouterMustNeverSee) {
  for (const char* bad : {"", "hello", "http://x/y", "*", "/a/../b", "/a/./b", "/a/%2e%2E", "/..",
                          "/a/%zz", "/a/%4", "/a%00b", "/a#frag"}) {
    RequestTarget t;
    EXPECT_TRUE(parseTarget(bad, t).has_value()) << bad;
  }
}

TEST(RequestTarget, RootAndTrailingSlash) {
  RequestTarget t;
  ASSERT_FALSE(parseTarget("/", t).has_value());
  EXPECT_TRUE(t.segments.empty());
  ASSERT_FALSE(parseTarget("/a/", t).has_value());
  EXPECT_EQ(t.segments, (std::vector<std::string>{"a", ""}));
}

TEST(RequestTarget, QueryParams) {
  EXPECT_EQ(queryParam("a=1&b=two+words&c=%26", "b"), "two words");
  EXPECT_EQ(queryParam("a=1&b=2&c=%26", "c"), "&");
  EXPECT_EQ(queryParam("flag&a=1", "flag"), "");
  EXPECT_EQ(queryParam("a=1&a=2", "a"), "1");
  EXPECT_FALSE(queryParam("a=1", "b").has_value());
  EXPECT_FALSE(queryParam("", "a").has_value());
  EXPECT_FALSE(queryParam("a=%zz", "a").has_value());
}
