// SPDX-License-Identifier: Apache-2.0
// Cross-origin calls as a browser makes them: the preflight the host answers for every route,
// the grant on actual responses (errors included) for allowed origins only, and a configuration
// the standard forbids refused at start.
#include <gtest/gtest.h>

#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

const std::string kApp = "https://app.example.com";

class Cors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host = new Porticod({{{e2e::pluginPath("hello.so"), "hello.so"}},
                         {{"http.cors.allowed_origins", kApp + ", https://admin.example.com"},
                          {"http.cors.allow_credentials", "true"}},
                         {},
                         true});
  }
  static void TearDownTestSuite() {
    delete host;
    host = nullptr;
  }
  static e2e::Reply preflight(const std::string& origin, const std::string& path,
                              const std::string& method) {
    return e2e::request(host->port(), "OPTIONS", path, "",
                        {{"Origin", origin},
                         {"Access-Control-Request-Method", method},
                         {"Access-Control-Request-Headers", "authorization, content-type"}});
  }
  static Porticod* host;
};

Porticod* Cors::host = nullptr;

}  // namespace

TEST_F(Cors, APreflightFromAnAllowedOriginGetsTheRoutesMethods) {
  auto r = preflight(kApp, "/hello/world", "GET");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.headers["access-control-allow-origin"], kApp);
  EXPECT_EQ(r.headers["access-control-allow-methods"], "GET");
  EXPECT_EQ(r.headers["access-control-allow-credentials"], "true");
  EXPECT_NE(r.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
  EXPECT_NE(r.headers["access-control-allow-headers"].find("Content-Type"), std::string::npos);
  EXPECT_EQ(r.headers["access-control-max-age"], "600");
  EXPECT_EQ(r.headers["vary"], "Origin");
  EXPECT_EQ(r.body, "");
}

TEST_F(Cors, TheHostsOwnEndpointsArePreflightedToo) {
  auto r = preflight(kApp, "/health", "GET");
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.headers["access-control-allow-methods"], "GET, HEAD");
  // A browser asks before it sends a bearer token for a push ticket.
  auto ticket = preflight(kApp, "/push/ticket", "POST");
  EXPECT_EQ(ticket.status, 204) << ticket.body;
  EXPECT_EQ(ticket.headers["access-control-allow-methods"], "POST");
  EXPECT_EQ(preflight(kApp, "/push/me", "GET").headers["access-control-allow-methods"], "GET");
}

TEST_F(Cors, APreflightFromAnotherOriginIsRefused) {
  auto r = preflight("https://evil.example.net", "/hello/world", "GET");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  EXPECT_NE(r.json().at("message").as_string().find("evil.example.net"), std::string::npos);
}

TEST_F(Cors, APreflightForAPathWithNoRouteIs404) {
  auto r = preflight(kApp, "/nowhere", "GET");
  EXPECT_EQ(r.status, 404);
}

TEST_F(Cors, AnOptionsRequestThatIsNoPreflightIsRoutedAsUsual) {
  auto r = e2e::request(host->port(), "OPTIONS", "/hello/world");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET");
}

TEST_F(Cors, ResponsesToAnAllowedOriginCarryTheGrantErrorsIncluded) {
  auto ok = e2e::request(host->port(), "GET", "/hello/world", "", {{"Origin", kApp}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers["access-control-allow-origin"], kApp);
  EXPECT_EQ(ok.headers["access-control-expose-headers"], "X-Request-Id");
  EXPECT_EQ(ok.headers["access-control-allow-credentials"], "true");

  auto missing = e2e::request(host->port(), "GET", "/nowhere", "", {{"Origin", kApp}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.headers["access-control-allow-origin"], kApp);
}

TEST_F(Cors, ResponsesToOtherOriginsCarryNoGrant) {
  auto r = e2e::request(host->port(), "GET", "/hello/world", "",
                        {{"Origin", "https://app.example.com.evil.example.net"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.count("access-control-allow-origin"), 0u);
  auto none = e2e::get(host->port(), "/hello/world");
  EXPECT_EQ(none.headers.count("access-control-allow-origin"), 0u);
}

TEST(CorsConfig, AnyOriginWithCredentialsIsRefusedAtStart) {
  Porticod p({{},
              {{"http.cors.allowed_origins", "*"}, {"http.cors.allow_credentials", "true"}},
              {},
              false});
  EXPECT_EQ(p.waitExit(10000), 78);
  EXPECT_NE(p.logs().find("cannot go with http.cors.allow_credentials"), std::string::npos)
      << p.logs();
}

TEST(CorsConfig, AnOriginWithAPathIsRefusedAtStart) {
  Porticod p({{}, {{"http.cors.allowed_origins", "https://app.example.com/x"}}, {}, false});
  EXPECT_EQ(p.waitExit(10000), 78);
  EXPECT_NE(p.logs().find("is not an origin"), std::string::npos) << p.logs();
}
