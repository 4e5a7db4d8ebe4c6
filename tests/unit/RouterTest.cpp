// SPDX-License-Identifier: Apache-2.0
#include "http/Router.h"

#include <gtest/gtest.h>

using portico::http::PathTemplate;
using portico::http::Router;

namespace {

PathTemplate tmpl(const char* p) {
  std::string error;
  auto t = PathTemplate::parse(p, &error);
  EXPECT_TRUE(t.has_value()) << error;
  return *t;
}

std::vector<std::string> segs(std::initializer_list<const char*> s) {
  return {s.begin(), s.end()};
}

}  // namespace

TEST(PathTemplate, RejectsMalformedTemplates) {
  for (const char* bad :
       {"", "hello", "/a/{", "/a/{}", "/a/{x-y}", "/a/{x}/{x}", "/a/..", "/a/%20", "/a b"}) {
    std::string error;
    EXPECT_FALSE(PathTemplate::parse(bad, &error).has_value()) << bad;
    EXPECT_NE(error.find("invalid path template"), std::string::npos) << bad;
  }
}

TEST(PathTemplate, MatchesParamsAsWholeSegments) {
  auto t = tmpl("/users/{id}/avatar");
  portico::http::Params params;
  EXPECT_TRUE(t.match(segs({"users", "42", "avatar"}), &params));
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0], std::make_pair(std::string("id"), std::string("42")));
  EXPECT_FALSE(t.match(segs({"users", "", "avatar"}), nullptr)) << "empty segment is no param";
  EXPECT_FALSE(t.match(segs({"users", "42"}), nullptr));
  EXPECT_FALSE(t.match(segs({"users", "42", "avatar", "x"}), nullptr));
}

TEST(PathTemplate, SameShapeIgnoresParamNames) {
  EXPECT_TRUE(tmpl("/hello/{name}").sameShape(tmpl("/hello/{who}")));
  EXPECT_FALSE(tmpl("/hello/{name}").sameShape(tmpl("/hello/world")));
  EXPECT_FALSE(tmpl("/hello/{name}").sameShape(tmpl("/hello/{name}/x")));
}

TEST(Router, LiteralBeatsParameter) {
  Router r;
  r.add("GET", tmpl("/users/{id}"));
  r.add("GET", tmpl("/users/me"));
  auto m = r.match("GET", segs({"users", "me"}));
  ASSERT_EQ(m.kind, Router::Match::Kind::Found);
  EXPECT_EQ(m.index, 1u);
  EXPECT_EQ(r.match("GET", segs({"users", "7"})).index, 0u);
}

TEST(Router, MethodNotAllowedListsAllowedMethodsSorted) {
  Router r;
  r.add("PUT", tmpl("/items/{id}"));
  r.add("GET", tmpl("/items/{id}"));
  r.add("DELETE", tmpl("/items/{id}"));
  auto m = r.match("POST", segs({"items", "1"}));
  EXPECT_EQ(m.kind, Router::Match::Kind::MethodNotAllowed);
  EXPECT_EQ(m.allow, "DELETE, GET, PUT");
  EXPECT_EQ(r.match("GET", segs({"nothing"})).kind, Router::Match::Kind::NotFound);
}

TEST(Router, RootPath) {
  Router r;
  r.add("GET", tmpl("/"));
  EXPECT_EQ(r.match("GET", {}).kind, Router::Match::Kind::Found);
}
