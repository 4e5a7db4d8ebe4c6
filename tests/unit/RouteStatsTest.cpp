// SPDX-License-Identifier: Apache-2.0
// What a host publishes per interval: the difference of each route's histogram since the last
// interval, 5xx counted as errors, nothing when nothing happened.
#include <gtest/gtest.h>

#include "metrics/Metrics.h"
#include "metrics/RouteStats.h"
#include "portico/json.hpp"

using portico::metrics::Metrics;
using portico::metrics::RouteStats;
namespace json = portico::json;

TEST(RouteStats, EachIntervalCarriesWhatChangedSinceTheLast) {
  Metrics metrics;
  RouteStats stats(metrics, std::chrono::seconds(60), [](const std::string&) {});
  metrics.observeRequest("GET", "/old", 200, "p", 0.001);
  EXPECT_NE(stats.collect(0, 1), "");  // the first call only takes stock

  metrics.observeRequest("GET", "/users/me", 200, "users", 0.0003);  // first bucket
  metrics.observeRequest("GET", "/users/me", 200, "users", 0.003);   // (0.0025, 0.005]
  metrics.observeRequest("GET", "/users/me", 503, "users", 7.0);     // above the last bound
  auto payload = json::parse(stats.collect(1000, 2000));
  EXPECT_EQ(payload.at("from").as_int(), 1000);
  EXPECT_EQ(payload.at("to").as_int(), 2000);
  const auto& bounds = payload.at("bounds_ms").as_array();
  ASSERT_EQ(bounds.size(), Metrics::buckets().size());
  EXPECT_DOUBLE_EQ(bounds[0].as_double(), 0.5);
  const auto& routes = payload.at("routes").as_array();
  ASSERT_EQ(routes.size(), 1u) << payload.dump();  // /old did not change
  const auto& me = routes[0];
  EXPECT_EQ(me.at("route").as_string(), "/users/me");
  EXPECT_EQ(me.at("plugin").as_string(), "users");
  EXPECT_EQ(me.at("requests").as_int(), 3);
  EXPECT_EQ(me.at("errors").as_int(), 1);
  EXPECT_NEAR(me.at("sum_ms").as_double(), 7003.3, 0.001);
  const auto& counts = me.at("counts").as_array();
  ASSERT_EQ(counts.size(), bounds.size() + 1);
  EXPECT_EQ(counts[0].as_int(), 1);
  EXPECT_EQ(counts[3].as_int(), 1);
  EXPECT_EQ(counts.back().as_int(), 1);

  EXPECT_EQ(stats.collect(2000, 3000), "");
  metrics.observeRequest("GET", "/users/me", 200, "users", 0.0003);
  auto next = json::parse(stats.collect(3000, 4000));
  EXPECT_EQ(next.at("routes").as_array()[0].at("requests").as_int(), 1);
}
