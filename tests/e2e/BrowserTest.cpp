// porticod as a browser meets it: headless chromium (tests/e2e/browser/clients.js) on a page of
// another origin calls the REST API through CORS, signs in, opens its push channel over
// EventSource and WebSocket, and holds streams across a hot swap; a page of an origin the host
// does not allow is blocked by the browser itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "AuthHarness.h"
#include "Eventually.h"
#include "Generations.h"
#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;
namespace json = portico::json;

namespace {

struct Origins {
  uint16_t allowed = e2e::freePort();
  uint16_t other = e2e::freePort();
};

Porticod::Options browserHost(const Origins& origins) {
  auto options = e2e::authHostOptions({
      {"http.cors.allowed_origins", "http://127.0.0.1:" + std::to_string(origins.allowed)},
      {"http.cors.allow_credentials", "true"},
      {"plugins.drain_timeout_ms", "1500"},
  });
  options.plugins.emplace_back(e2e::fixturePath("streams_v1.so"), "streams.so");
  options.plugins.emplace_back(e2e::pluginPath("hello.so"), "hello.so");
  return options;
}

// Runs clients.js with `args` (plus the API and the page origins); its report, or a failure.
json::Value runBrowser(const Porticod& p, const Origins& origins, json::Value args) {
  args.set("api", "http://127.0.0.1:" + std::to_string(p.port()));
  args.set("allowedPort", origins.allowed);
  args.set("otherPort", origins.other);
  std::string argsFile = p.dir() + "/browser-args.json";
  std::ofstream(argsFile) << args.dump();
  auto [code, out] =
      e2e::runCommand("node " BROWSER_SCRIPTS "/clients.js \"$(cat " + argsFile + ")\" 2>&1");
  if (code != 0) {
    ADD_FAILURE() << "the browser run failed (exit " << code << "; packaging/dev installs "
                  << "chromium and tests/e2e/browser/node_modules): " << out;
    return json::object({});
  }
  return json::parse(out);
}

}  // namespace

TEST(Browser, AnotherOriginSignsInAndGetsItsPushesOverEventSourceAndWebSocket) {
  Origins origins;
  Porticod p(browserHost(origins));
  const std::string email = e2e::uniqueEmail("browser");
  auto me = e2e::signUp(p, email);
  ASSERT_FALSE(me.userId.empty());
  auto report =
      runBrowser(p, origins,
                 json::object({{"scenario", "rest-and-push"},
                               {"user", json::object({{"email", email},
                                                      {"password", "correct horse battery"},
                                                      {"id", me.userId}})}}));
  ASSERT_TRUE(report.find("allowed") != nullptr) << report.dump();
  const auto& allowed = report.at("allowed");

  // A simple request, then a preflighted one (JSON body) and one with Authorization.
  EXPECT_EQ(allowed.at("hello").at("status").as_int(), 200) << allowed.dump();
  EXPECT_EQ(allowed.at("login").at("status").as_int(), 200) << allowed.dump();
  EXPECT_TRUE(allowed.at("login").at("gotToken").as_bool());

  // The user's channel reaches both kinds of stream, in order.
  const auto& push = allowed.at("push");
  ASSERT_TRUE(push.find("sse") != nullptr) << push.dump();
  for (const char* kind : {"sse", "ws"}) {
    const auto& got = push.at(kind).as_array();
    ASSERT_EQ(got.size(), 3u) << kind << ": " << push.dump();
    EXPECT_EQ(got[0].as_string(), "one");
    EXPECT_EQ(got[1].as_string(), "two");
    EXPECT_EQ(got[2].as_string(), "three");
  }

  // Named, numbered events as EventSource sees them.
  const auto& countdown = allowed.at("countdown").as_array();
  ASSERT_EQ(countdown.size(), 3u) << allowed.dump();
  EXPECT_EQ(countdown[2].at("data").as_string(), "event 3");
  EXPECT_EQ(countdown[2].at("id").as_string(), "3");

  // Text and binary echoed; the plugin's close code and reason reach the page.
  const auto& echo = allowed.at("echo");
  ASSERT_TRUE(echo.find("close") != nullptr) << echo.dump();
  EXPECT_EQ(echo.at("texts").as_array().at(0).as_string(), "hello, ünïcode");
  EXPECT_EQ(echo.at("binaries").as_array().at(0).dump(), "[0,1,2,255]");
  EXPECT_EQ(echo.at("close").at("code").as_int(), 4000);
  EXPECT_EQ(echo.at("close").at("reason").as_string(), "asked to");
  EXPECT_TRUE(echo.at("close").at("clean").as_bool());

  // The origin the host does not name gets nothing readable.
  const auto& other = report.at("other");
  EXPECT_TRUE(other.at("simple").at("blocked").as_bool()) << other.dump();
  EXPECT_TRUE(other.at("preflighted").at("blocked").as_bool()) << other.dump();
  EXPECT_EQ(other.at("eventSource").as_string(), "refused");
}

TEST(Browser, EventSourceAndWebSocketReconnectToTheNewGenerationAfterAHotSwap) {
  Origins origins;
  Porticod p(browserHost(origins));
  std::string ready = p.dir() + "/browser-ready";
  json::Value report;
  std::thread browser([&] {
    report =
        runBrowser(p, origins, json::object({{"scenario", "reconnect"}, {"readyFile", ready}}));
  });
  bool heard =
      e2e::eventually(std::chrono::seconds(30), [&] { return ::access(ready.c_str(), F_OK) == 0; });
  if (heard) {
    auto r = e2e::admin(p, "PUT", "/admin/plugins/streams",
                        e2e::readFile(e2e::fixturePath("streams_v2.so")));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  browser.join();
  ASSERT_TRUE(heard) << report.dump();
  ASSERT_TRUE(report.find("sse") != nullptr) << report.dump();
  // The event stream ended with a retry hint and EventSource came back by itself.
  EXPECT_EQ(report.at("sse").dump(), R"(["1.0.0","2.0.0"])");
  EXPECT_GE(report.at("sseErrors").as_int(), 1);
  // The WebSocket was told "service restart" and the page's reconnect reached 2.0.0.
  EXPECT_EQ(report.at("wsCloseCodes").as_array().at(0).as_int(), 1012) << report.dump();
  EXPECT_EQ(report.at("ws").dump(), R"(["1.0.0","2.0.0"])");
  auto entry = e2e::waitUntilDrained(p, "streams", 10000);
  EXPECT_EQ(entry.at("old_generations").as_array().at(0).at("state").as_string(), "closed");
}
