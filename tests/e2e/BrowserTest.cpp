// SPDX-License-Identifier: Apache-2.0
// porticod as a browser meets it: headless chromium (tests/e2e/browser/clients.js) on a page of
// another origin calls the REST API through CORS, signs in, opens its push channel over
// EventSource and WebSocket, and holds streams across a hot swap; a page of an origin the host
// does not allow is blocked by the browser itself.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
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
  EXPECT_EQ(other.at("webSocket").as_string(), "refused") << "push.allowed_origins";
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

TEST(Browser, AnEventSourceOpenedWithATicketComesBackAfterARestartWithWhatItMissed) {
  Origins origins;
  auto options = browserHost(origins);
  Porticod p(options);
  Porticod other(options);  // publishes while p is down
  auto me = e2e::signUp(p, e2e::uniqueEmail("browser-restart"));
  auto ticket = e2e::withToken(p, "POST", "/push/ticket", me.access);
  ASSERT_EQ(ticket.status, 201) << ticket.body;
  const std::string marks = p.dir() + "/mark";
  auto marked = [&](const std::string& name) {
    return e2e::eventually(std::chrono::seconds(20),
                           [&] { return ::access((marks + "-" + name).c_str(), F_OK) == 0; });
  };
  auto publish = [&](const Porticod& host, const std::string& data) {
    EXPECT_EQ(e2e::request(host.port(), "POST", "/streams/publish/user:" + me.userId, data).status,
              204);
  };
  json::Value report;
  std::thread browser([&] {
    report = runBrowser(p, origins,
                        json::object({{"scenario", "push-restart"},
                                      {"ticket", ticket.json().at("ticket").as_string()},
                                      {"marks", marks},
                                      {"last", "after"}}));
  });
  bool flowed = marked("open-1");
  if (flowed) publish(p, "before");
  flowed = flowed && marked("got-before");
  if (flowed) {
    EXPECT_EQ(p.stop(), 0);
    publish(other, "while-down");
    p.relaunch(options);
    flowed = marked("open-2");
  }
  if (flowed) publish(p, "after");
  browser.join();
  ASSERT_TRUE(flowed) << report.dump() << p.logs();
  // The ticket worked again for the same EventSource (its Last-Event-ID carried the resume
  // secret), and the log gave it what was published while it was away, once and in order.
  EXPECT_EQ(report.at("messages").dump(), R"(["before","while-down","after"])") << report.dump();
  EXPECT_EQ(report.at("opens").as_int(), 2);
  EXPECT_GE(report.at("errors").as_int(), 1);
  EXPECT_EQ(report.at("revoked").as_int(), 0);
}

TEST(Browser, TheAnalyticsDashboardDrawsWhatItWasSent) {
  Origins origins;
  auto options = e2e::authHostOptions(
      {{"plugin.analytics.write_key", "dashboard-key"}, {"events.route_stats_interval_s", "1"}});
  options.plugins.emplace_back(e2e::pluginPath("analytics.so"), "analytics.so");
  options.plugins.emplace_back(e2e::pluginPath("hello.so"), "hello.so");
  Porticod p(options);
  const std::string email = e2e::uniqueEmail("dashboard");
  const std::string event = email.substr(0, email.find('@'));
  json::Array batch;
  for (int i = 0; i < 8; ++i) {
    batch.push_back(json::object({{"event", event}, {"distinct_id", "d" + std::to_string(i % 3)}}));
  }
  auto sent = e2e::request(p.port(), "POST", "/analytics/v1/batch", json::Value(batch).dump(),
                           {{"X-Analytics-Key", "dashboard-key"},
                            {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0"}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  for (int i = 0; i < 20; ++i) ASSERT_EQ(e2e::get(p.port(), "/hello/dashboard").status, 200);
  const std::string token = e2e::serviceToken("service:dashboard", "analytics:read");
  // The host's route figures arrive within a second or two.
  auto iso = [](std::time_t t) {
    char text[32];
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(text);
  };
  std::time_t now = std::time(nullptr);
  json::Value lastDay = json::object({{"from", iso(now - 86400)},
                                      {"to", iso(now + 3600)},
                                      {"interval", "day"},
                                      {"route", "/hello/{name}"}});
  ASSERT_TRUE(e2e::eventually([&] {
    auto r = e2e::request(p.port(), "POST", "/analytics/v1/routes", lastDay.dump(),
                          {{"Authorization", "Bearer " + token}});
    return r.status == 200 && !r.json().at("slowest").as_array().empty();
  }));

  const std::string screenshot = BUILD_DIR "/analytics-dashboard.png";
  std::remove(screenshot.c_str());
  auto report = runBrowser(p, origins,
                           json::object({{"scenario", "dashboard"},
                                         {"event", event},
                                         {"token", token},
                                         {"screenshot", screenshot}}));
  ASSERT_TRUE(report.find("data") != nullptr) << report.dump();
  EXPECT_TRUE(report.at("errors").as_array().empty()) << report.dump();
  EXPECT_EQ(report.at("chart").as_int(), 1);
  // The chart's own points: every hour of the day, the eight events in the current one.
  const auto& points = report.at("data").at("points").as_array();
  ASSERT_EQ(points.size(), 3u) << report.dump();
  int64_t drawn = 0;
  for (const auto& n : points[1].as_array()) drawn += n.as_int();
  EXPECT_EQ(drawn, 8);
  EXPECT_EQ(points[0].as_array().size(), 24u);
  EXPECT_EQ(points[1].as_array().back().as_int(), 8);
  EXPECT_EQ(points[2].as_array().back().as_int(), 1);  // one browser, one address
  EXPECT_EQ(report.at("totalEvents").as_string(), "8");
  ASSERT_EQ(report.at("topEvents").as_array().size(), 1u) << report.dump();
  EXPECT_EQ(report.at("topEvents").as_array()[0].as_string().substr(0, event.size()), event);
  EXPECT_GE(report.at("slowestRows").as_int(), 1);
  EXPECT_GT(e2e::readFile(screenshot).size(), 10000u);
}
