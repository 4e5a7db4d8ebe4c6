// SPDX-License-Identifier: Apache-2.0
// /metrics is valid Prometheus text (promtool agrees) and carries the series we promise.
#include <gtest/gtest.h>

#include <fstream>

#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

TEST(Metrics, PromtoolAcceptsTheExposition) {
  Porticod p(
      {{{e2e::pluginPath("hello.so"), "hello.so"}, {e2e::fixturePath("throws.so"), "throws.so"}},
       {},
       {},
       true});
  for (int i = 0; i < 5; ++i) e2e::get(p.port(), "/hello/m");
  e2e::get(p.port(), "/throw");
  e2e::get(p.port(), "/nope");
  e2e::request(p.port(), "BREW", "/hello/x");
  e2e::rawExchange(p.port(), "GARBAGE\r\n\r\n");
  ASSERT_EQ(e2e::admin(p, "POST", "/admin/plugins/hello/reload").status, 200);
  e2e::admin(p, "PUT", "/admin/plugins/hello", "not a library");

  auto r = e2e::get(p.port(), "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.headers["content-type"].find("text/plain"), std::string::npos);
  const std::string& m = r.body;
  // prometheus-cpp writes labels in name order.
  EXPECT_NE(
      m.find("http_request_duration_seconds_count{method=\"GET\",plugin=\"hello\",route=\"/hello/"
             "{name}\",status_code=\"200\"} 5"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("plugin=\"thrower\",route=\"/throw\",status_code=\"500\""), std::string::npos)
      << m;
  EXPECT_NE(m.find("method=\"OTHER\""), std::string::npos) << "unknown methods are folded";
  EXPECT_NE(m.find("http_active_connections "), std::string::npos);
  EXPECT_NE(m.find("portico_plugin_reloads_total{plugin=\"hello\",result=\"success\"} 2"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("portico_plugin_reloads_total{plugin=\"hello\",result=\"failure\"} 1"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("portico_plugin_generation{plugin=\"hello\"} 2"), std::string::npos);
  EXPECT_NE(m.find("portico_plugin_inflight{plugin=\"hello\",generation=\"2\"} 0"),
            std::string::npos);

  std::string file = p.dir() + "/metrics.txt";
  std::ofstream(file) << m;
  auto [code, out] =
      e2e::runCommand(std::string(PROMTOOL_BINARY) + " check metrics < " + file + " 2>&1");
  EXPECT_EQ(code, 0) << out;
}

TEST(Metrics, HealthAndReady) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto health = e2e::get(p.port(), "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json().at("status").as_string(), "ok");
  auto ready = e2e::get(p.port(), "/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json().at("plugins").at("loaded").as_int(), 1);
  EXPECT_EQ(e2e::request(p.port(), "POST", "/health").status, 405);
}
