// SPDX-License-Identifier: Apache-2.0
#include "metrics/Metrics.h"

#include <gtest/gtest.h>

using portico::metrics::Metrics;

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  m.registerGauge("g_escaped", "escaping", [] {
    return std::vector<std::pair<portico::metrics::Labels, double>>{{{{"a", "x\"y\\z\nw"}}, 1}};
  });
  std::string text = m.render();
  EXPECT_NE(text.find(R"(g_escaped{a="x\"y\\z\nw"} 1)"), std::string::npos) << text;
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.observeRequest("GET", "/a", 200, "p", 0.0001);
  m.observeRequest("GET", "/a", 200, "p", 0.003);
  m.observeRequest("GET", "/a", 200, "p", 100.0);
  std::string text = m.render();
  const std::string prefix =
      R"(http_request_duration_seconds_bucket{method="GET",plugin="p",route="/a",status_code="200",le=)";
  EXPECT_NE(text.find(prefix + R"("0.0005"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(prefix + R"("0.005"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(prefix + R"("5"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(prefix + R"("+Inf"} 3)"), std::string::npos) << text;
  EXPECT_NE(
      text.find(
          R"(http_request_duration_seconds_count{method="GET",plugin="p",route="/a",status_code="200"} 3)"),
      std::string::npos);
}

TEST(Metrics, GaugeSourcesAreReadAtScrape) {
  Metrics m;
  double value = 1;
  m.registerGauge("g_test", "test gauge", [&] {
    return std::vector<std::pair<portico::metrics::Labels, double>>{{{{"k", "v"}}, value}};
  });
  EXPECT_NE(m.render().find("g_test{k=\"v\"} 1"), std::string::npos);
  value = 5;
  EXPECT_NE(m.render().find("g_test{k=\"v\"} 5"), std::string::npos);
}

TEST(Metrics, APluginCountsItsOwnEventsUpToALimit) {
  Metrics m;
  EXPECT_TRUE(m.countPluginEvent("ai", "cache_hit", 2));
  EXPECT_TRUE(m.countPluginEvent("ai", "cache_hit", 3));
  for (size_t i = 1; i < Metrics::kPluginEventsMax; ++i) {
    EXPECT_TRUE(m.countPluginEvent("ai", "e" + std::to_string(i), 1));
  }
  EXPECT_FALSE(m.countPluginEvent("ai", "one_too_many", 1));
  EXPECT_TRUE(m.countPluginEvent("ai", "cache_hit", 1)) << "a known event still counts";
  EXPECT_TRUE(m.countPluginEvent("other", "cache_hit", 1)) << "the limit is per plugin";
  std::string text = m.render();
  EXPECT_NE(text.find(R"(portico_plugin_events_total{event="cache_hit",plugin="ai"} 6)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("one_too_many"), std::string::npos);
}
