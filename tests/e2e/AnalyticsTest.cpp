// SPDX-License-Identifier: Apache-2.0
// The analytics plugin against the suite's PostgreSQL and Redis: ingestion (the write key,
// signed-in attribution, per-event rejection, duplicates, bots), what is stored and what is not
// (no address), rollups, storage by day, a deleted user's events, and nothing lost to SIGKILL
// once answered. Each test names its own events, so that tests sharing the tables do not meet.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "AuthHarness.h"
#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "Services.h"

using e2e::Porticod;
namespace json = portico::json;

namespace {

const std::string kWriteKey = "write-only-test-key";
const std::string kBrowser =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Safari/537.36";

Porticod::Options analyticsHost(std::map<std::string, std::string> config = {}) {
  config.emplace("plugin.analytics.write_key", kWriteKey);
  auto options = e2e::authHostOptions(std::move(config));
  options.plugins.emplace_back(e2e::pluginPath("analytics.so"), "analytics.so");
  return options;
}

// A name no other test uses.
std::string uniqueEvent(const std::string& tag) {
  std::string email = e2e::uniqueEmail(tag);
  return email.substr(0, email.find('@'));
}

std::string sql(const std::string& query) {
  auto [code, out] = e2e::suitePsql(query);
  EXPECT_EQ(code, 0) << query << ": " << out;
  return out;
}

e2e::Reply send(const Porticod& p, const std::string& path, const std::string& body,
                std::map<std::string, std::string> headers = {}) {
  headers.emplace("User-Agent", kBrowser);
  headers.emplace("Content-Type", "application/json");
  return e2e::request(p.port(), "POST", path, body, headers);
}

json::Value event(const std::string& name, const std::string& distinctId,
                  json::Value properties = json::object({})) {
  return json::object(
      {{"event", name}, {"distinct_id", distinctId}, {"properties", std::move(properties)}});
}

// A UUIDv7 of `ms` with random other bits: unique across runs on the same tables.
std::string uuidV7(int64_t ms) {
  std::random_device random;
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-7%03x-8%03x-%04x%08x",
                static_cast<unsigned long long>(ms >> 16),
                static_cast<unsigned long long>(ms & 0xffff), random() & 0xfff, random() & 0xfff,
                random() & 0xffff, random());
  return text;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string isoTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string readerToken() {
  return e2e::serviceToken("service:dashboard", "analytics:read");
}

e2e::Reply query(const Porticod& p, const json::Value& body,
                 const std::string& token = readerToken()) {
  return e2e::request(p.port(), "POST", "/analytics/v1/query", body.dump(),
                      {{"Authorization", "Bearer " + token}});
}

std::string count(const std::string& name) {
  return sql("SELECT count(*) FROM analytics.events WHERE event = '" + name + "'");
}

}  // namespace

TEST(Analytics, ABatchWithTheWriteKeyIsStoredAndItsBadEventsRejectedByIndex) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("batch");
  json::Array batch{event(name, "visitor-1", json::object({{"plan", "pro"}})),
                    json::object({{"event", name}}), event(name, "visitor-2"),
                    event(name, "visitor-3", json::object({{"big", std::string(5000, 'x')}}))};
  auto r = send(p, "/analytics/v1/batch",
                json::object({{"api_key", kWriteKey}, {"batch", json::Value(batch)}}).dump(),
                {{"X-Forwarded-For", "203.0.113.7"}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto body = r.json();
  EXPECT_EQ(body.at("accepted").as_int(), 2);
  const auto& rejected = body.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 2u) << r.body;
  EXPECT_EQ(rejected[0].at("index").as_int(), 1);
  EXPECT_NE(rejected[0].at("reason").as_string().find("distinct_id is required"),
            std::string::npos);
  EXPECT_EQ(rejected[1].at("index").as_int(), 3);
  EXPECT_NE(rejected[1].at("reason").as_string().find("longer than 4096"), std::string::npos);

  // Stored by the time 202 came back, with the properties and the browser; the address only
  // as part of a salted hash.
  EXPECT_EQ(count(name), "2");
  EXPECT_EQ(sql("SELECT properties->>'plan' FROM analytics.events WHERE event = '" + name +
                "' AND distinct_id = 'visitor-1'"),
            "pro");
  EXPECT_EQ(sql("SELECT count(*) FROM analytics.events WHERE event = '" + name +
                "' AND user_agent = '" + kBrowser + "' AND visitor_id ~ '^[0-9a-f]{64}$'"),
            "2");
  EXPECT_EQ(sql("SELECT count(*) FROM analytics.events e WHERE event = '" + name +
                "' AND e::text LIKE '%203.0.113.7%'"),
            "0");
  // One browser, one address: one visitor in the hourly rollup.
  EXPECT_EQ(sql("SELECT events || ' ' || hll_cardinality(visitors) FROM analytics.events_hourly "
                "WHERE event = '" +
                name + "'"),
            "2 1");
}

TEST(Analytics, OneEventAloneAndItsErrors) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("single");
  auto ok =
      send(p, "/analytics/v1/events", event(name, "d").dump(), {{"X-Analytics-Key", kWriteKey}});
  ASSERT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(ok.json().at("accepted").as_int(), 1);
  auto bad = send(p, "/analytics/v1/events", json::object({{"event", name}}).dump(),
                  {{"X-Analytics-Key", kWriteKey}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.json().at("message").as_string().find("distinct_id is required"),
            std::string::npos);
  EXPECT_EQ(send(p, "/analytics/v1/events", "{not json", {{"X-Analytics-Key", kWriteKey}}).status,
            400);
  EXPECT_EQ(count(name), "1");
}

TEST(Analytics, WithoutTheKeyOrATokenNothingIsStored) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("nokey");
  auto none = send(p, "/analytics/v1/events", event(name, "d").dump());
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.json().at("message").as_string().find("project key"), std::string::npos);
  EXPECT_EQ(send(p, "/analytics/v1/events", event(name, "d").dump(),
                 {{"X-Analytics-Key", kWriteKey + "x"}})
                .status,
            401);
  EXPECT_EQ(count(name), "0");
}

TEST(Analytics, ASignedInCallerIsAttributedToTheUserAndNeedsNoKey) {
  Porticod p(analyticsHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("analytics-user"));
  const std::string name = uniqueEvent("signed-in");
  auto r = e2e::request(p.port(), "POST", "/analytics/v1/events", event(name, "anon-42").dump(),
                        {{"Authorization", "Bearer " + me.access}, {"User-Agent", kBrowser}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(
      sql("SELECT user_id || ' ' || visitor_id FROM analytics.events WHERE event = '" + name + "'"),
      me.userId + " u:" + me.userId);
}

TEST(Analytics, ADuplicateUuidIsStoredOnce) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("dup");
  // Without a timestamp: a retry then keeps the time its UUIDv7 carries, and so its key.
  auto e = event(name, "d");
  e.set("uuid", uuidV7(nowMs() - 3600 * 1000));
  json::Array twice{e, e};
  for (int i = 0; i < 2; ++i) {
    auto r =
        send(p, "/analytics/v1/batch", json::Value(twice).dump(), {{"X-Analytics-Key", kWriteKey}});
    ASSERT_EQ(r.status, 202) << r.body;
  }
  EXPECT_EQ(count(name), "1");
  EXPECT_EQ(sql("SELECT events FROM analytics.events_hourly WHERE event = '" + name + "'"), "1");
}

TEST(Analytics, RequestsFromBotsAreCountedNotStored) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("bot");
  auto before =
      sql("SELECT coalesce(sum(hits), 0) FROM analytics.bot_hits WHERE day = (now() AT TIME ZONE "
          "'UTC')::date");
  json::Array batch{event(name, "a"), event(name, "b")};
  auto r = send(
      p, "/analytics/v1/batch", json::Value(batch).dump(),
      {{"X-Analytics-Key", kWriteKey}, {"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1)"}});
  // The header the test sends first wins over send()'s browser default.
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json().at("bot_filtered").as_int(), 2);
  EXPECT_EQ(count(name), "0");
  auto after =
      sql("SELECT sum(hits) FROM analytics.bot_hits WHERE day = (now() AT TIME ZONE 'UTC')::date");
  EXPECT_GE(std::stoll(after) - std::stoll(before), 2);
}

TEST(Analytics, BatchesAreBounded) {
  Porticod p(analyticsHost(
      {{"plugin.analytics.max_batch", "10"}, {"plugin.analytics.max_batch_bytes", "4096"}}));
  const std::string name = uniqueEvent("bounds");
  json::Array eleven(11, event(name, "d"));
  auto many =
      send(p, "/analytics/v1/batch", json::Value(eleven).dump(), {{"X-Analytics-Key", kWriteKey}});
  EXPECT_EQ(many.status, 413);
  EXPECT_NE(many.json().at("message").as_string().find("at most 10 events"), std::string::npos);
  json::Array large{event(name, "d", json::object({{"p", std::string(5000, 'x')}}))};
  EXPECT_EQ(
      send(p, "/analytics/v1/batch", json::Value(large).dump(), {{"X-Analytics-Key", kWriteKey}})
          .status,
      413);
  auto shape =
      send(p, "/analytics/v1/batch", R"({"events": []})", {{"X-Analytics-Key", kWriteKey}});
  EXPECT_EQ(shape.status, 400);
  EXPECT_EQ(count(name), "0");
}

TEST(Analytics, StorageIsByDayWithPartitionsAheadMadeByTheMaintenanceJob) {
  Porticod p(analyticsHost());
  // The job every start enqueues has run: the chain is recorded and next week's days exist.
  EXPECT_TRUE(e2e::eventually([] {
    return sql("SELECT last_run IS NOT NULL AND chain <> '' FROM analytics.maintenance") == "t";
  }));
  EXPECT_EQ(sql("SELECT count(*) >= 1 FROM partman.show_partitions('analytics.events') p "
                "WHERE p.partition_tablename >= 'events_p' || to_char(now() AT TIME ZONE 'UTC' "
                "+ interval '7 days', 'YYYY_MM_DD')"),
            "t");
  EXPECT_EQ(sql("SELECT retention FROM partman.part_config WHERE parent_table = "
                "'analytics.events'"),
            "90 days");
}

TEST(Analytics, PartitionsPastRetentionAreDroppedByTheMaintenanceJob) {
  // A database of its own: the shared one's partitions belong to the other tests.
  e2e::PrivateServices services;
  Porticod p(analyticsHost({{"database.url", services.databaseUrl()},
                            {"redis.url", services.redisUrl()},
                            {"plugin.analytics.retention_days", "3"}}));
  auto at = [&](const std::string& query) {
    auto [code, out] = e2e::psqlAt(services.databaseUrl(), query);
    EXPECT_EQ(code, 0) << out;
    return out;
  };
  // The migration made partitions from eight days back; the job every start enqueues drops
  // those past three days.
  EXPECT_TRUE(e2e::eventually(
      [&] { return at("SELECT last_run IS NOT NULL FROM analytics.maintenance") == "t"; }));
  EXPECT_EQ(at("SELECT retention FROM partman.part_config"), "3 days");
  EXPECT_EQ(at("SELECT count(*) FROM partman.show_partitions('analytics.events') WHERE "
               "partition_tablename < 'events_p' || to_char(now() AT TIME ZONE 'UTC' - interval "
               "'4 days', 'YYYY_MM_DD')"),
            "0");
  EXPECT_EQ(at("SELECT count(*) >= 7 FROM partman.show_partitions('analytics.events') WHERE "
               "partition_tablename > 'events_p' || to_char(now() AT TIME ZONE 'UTC', "
               "'YYYY_MM_DD')"),
            "t");
}

TEST(Analytics, UserEventsFromTheBusAreCountedAndADeletedUsersEventsAnonymised) {
  Porticod p(analyticsHost());
  const std::string createdSoFar =
      "SELECT count(*) FROM analytics.events WHERE event = 'USER_CREATED' AND distinct_id = "
      "'portico'";
  long before = std::stol(sql(createdSoFar));
  auto me = e2e::signUp(p, e2e::uniqueEmail("analytics-erase"));
  EXPECT_TRUE(e2e::eventually([&] { return std::stol(sql(createdSoFar)) > before; }));
  const std::string name = uniqueEvent("erase");
  auto r = e2e::request(p.port(), "POST", "/analytics/v1/events",
                        event(name, me.userId, json::object({{"email", "x@example.com"}})).dump(),
                        {{"Authorization", "Bearer " + me.access}, {"User-Agent", kBrowser}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto deleted = e2e::withToken(p, "DELETE", "/users/me", me.access);
  ASSERT_TRUE(deleted.status == 204 || deleted.status == 202) << deleted.body;
  EXPECT_TRUE(e2e::eventually([&] {
    return sql("SELECT count(*) FROM analytics.events WHERE user_id = '" + me.userId +
               "' OR distinct_id = '" + me.userId + "'") == "0";
  }));
  EXPECT_EQ(sql("SELECT distinct_id || ' ' || properties::text || ' ' || (visitor_id LIKE "
                "'erased:%') FROM analytics.events WHERE event = '" +
                name + "'"),
            "erased {} true");
}

TEST(Analytics, AnEventAnsweredWith202SurvivesASigkillOfTheHost) {
  Porticod p(analyticsHost());
  const std::string name = uniqueEvent("sigkill");
  std::atomic<bool> stop{false};
  std::atomic<long> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      json::Array batch(50, event(name, "d"));
      std::string body = json::Value(batch).dump();
      for (int i = 0; i < 400 && !stop; ++i) {
        try {
          auto r = send(p, "/analytics/v1/batch", body, {{"X-Analytics-Key", kWriteKey}});
          if (r.status == 202) answered += r.json().at("accepted").as_int();
        } catch (const std::exception&) {
          return;  // the host has gone: what it answered before is what counts
        }
      }
    });
  }
  ASSERT_TRUE(e2e::eventually([&] { return answered >= 2000; }));
  stop = true;  // requests in flight stay in flight: the kill catches them waiting for a flush
  p.kill9();
  for (auto& t : clients) t.join();
  EXPECT_GE(std::stoll(count(name)), answered.load());
}

// ---- Queries ----

class AnalyticsQuery : public ::testing::Test {
 protected:
  // Events in three whole hours before the current one: pageviews of two paths with a duration,
  // from two browsers, and one signup.
  static void SetUpTestSuite() {
    host = new Porticod(analyticsHost());
    name = uniqueEvent("query");
    hour = nowMs() / 3600000 * 3600000;
    json::Array batch;
    auto at = [&](int hoursAgo, const std::string& path, int duration) {
      auto e = event(name, "d", json::object({{"path", path}, {"duration_ms", duration}}));
      e.set("timestamp", isoTime(hour - hoursAgo * 3600000 + 60000));
      batch.push_back(e);
    };
    for (int i = 1; i <= 10; ++i) at(3, "/home", i * 10);  // 10 .. 100
    for (int i = 1; i <= 4; ++i) at(2, "/pricing", 500);
    at(1, "/home", 1000);
    auto a = send(*host, "/analytics/v1/batch", json::Value(batch).dump(),
                  {{"X-Analytics-Key", kWriteKey}, {"X-Forwarded-For", "198.51.100.1"}});
    ASSERT_EQ(a.status, 202) << a.body;
    json::Array other{event(name, "d2", json::object({{"path", "/home"}, {"duration_ms", 5}}))};
    other[0].set("timestamp", isoTime(hour - 3 * 3600000 + 120000));
    auto b = send(*host, "/analytics/v1/batch", json::Value(other).dump(),
                  {{"X-Analytics-Key", kWriteKey}, {"X-Forwarded-For", "198.51.100.2"}});
    ASSERT_EQ(b.status, 202) << b.body;
  }
  static void TearDownTestSuite() {
    delete host;
    host = nullptr;
  }
  static json::Value base(json::Array metrics) {
    return json::object({{"metrics", json::Value(std::move(metrics))},
                         {"from", isoTime(hour - 4 * 3600000)},
                         {"to", isoTime(hour)},
                         {"interval", "hour"},
                         {"events", json::Array{name}}});
  }
  static Porticod* host;
  static std::string name;
  static int64_t hour;
};

Porticod* AnalyticsQuery::host = nullptr;
std::string AnalyticsQuery::name;
int64_t AnalyticsQuery::hour = 0;

TEST_F(AnalyticsQuery, EventsAndVisitorsByHourComeFromTheRollups) {
  auto r = query(*host, base({"events", "visitors"}));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body.at("source").as_string(), "rollups");
  const auto& series = body.at("series").as_array();
  ASSERT_EQ(series.size(), 3u) << r.body;
  EXPECT_EQ(series[0].at("bucket").as_string(), isoTime(hour - 3 * 3600000));
  EXPECT_EQ(series[0].at("events").as_int(), 11);
  EXPECT_EQ(series[0].at("visitors").as_int(), 2);
  EXPECT_EQ(series[1].at("events").as_int(), 4);
  EXPECT_EQ(series[1].at("visitors").as_int(), 1);
  EXPECT_EQ(series[2].at("events").as_int(), 1);
  // By day, the same events in one or two buckets (the hours may straddle midnight).
  auto byDay = base({"events"});
  byDay.set("interval", "day");
  int64_t total = 0;
  auto days = query(*host, byDay).json();
  for (const auto& b : days.at("series").as_array()) total += b.at("events").as_int();
  EXPECT_EQ(total, 16);
}

TEST_F(AnalyticsQuery, PercentilesFiltersAndGroupsReadTheEvents) {
  auto q = base({"events", "p50", "p95"});
  q.set("value_property", "duration_ms");
  q.set("filters",
        json::Array{json::object({{"property", "path"}, {"op", "eq"}, {"value", "/home"}})});
  q.set("group_by", "path");
  auto r = query(*host, q);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body.at("source").as_string(), "events");
  const auto& first = body.at("series").as_array().at(0);
  EXPECT_EQ(first.at("events").as_int(), 11);
  EXPECT_DOUBLE_EQ(first.at("p50").as_double(), 50.0);  // 5, 10 .. 100: the sixth of eleven
  EXPECT_NEAR(first.at("p95").as_double(), 95.0, 0.001);
  const auto& groups = body.at("groups").as_array();
  ASSERT_EQ(groups.size(), 1u) << r.body;
  EXPECT_EQ(groups[0].at("value").as_string(), "/home");
  EXPECT_EQ(groups[0].at("events").as_int(), 12);

  auto slow = base({"events"});
  slow.set("filters",
           json::Array{json::object({{"property", "duration_ms"}, {"op", "gt"}, {"value", 100}})});
  slow.set("group_by", "path");
  auto slowest = query(*host, slow).json();
  const auto& top = slowest.at("groups").as_array();
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].at("value").as_string(), "/pricing");
  EXPECT_EQ(top[0].at("events").as_int(), 4);
  EXPECT_EQ(top[1].at("events").as_int(), 1);
}

TEST_F(AnalyticsQuery, OnlyReadersMayQueryAndBadQueriesAreExplained) {
  auto user = e2e::signUp(*host, e2e::uniqueEmail("analytics-reader"));
  EXPECT_EQ(query(*host, base({"events"}), user.access).status, 403);
  auto withKey = e2e::request(host->port(), "POST", "/analytics/v1/query", base({"events"}).dump(),
                              {{"X-Analytics-Key", kWriteKey}});
  EXPECT_EQ(withKey.status, 401);
  auto expect400 = [&](json::Value q, const std::string& words) {
    auto r = query(*host, q);
    EXPECT_EQ(r.status, 400) << q.dump();
    EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
  };
  expect400(base({"clicks"}), "unknown metric 'clicks'");
  expect400(base({"p95"}), "percentiles need value_property");
  auto minutes = base({"events"});
  minutes.set("from", isoTime(hour - 60LL * 86400000));
  minutes.set("interval", "minute");
  expect400(minutes, "choose a longer interval");
  auto backwards = base({"events"});
  backwards.set("to", isoTime(hour - 5 * 3600000));
  expect400(backwards, "to must be after from");
  auto op = base({"events"});
  op.set("filters", json::Array{json::object({{"property", "p"}, {"op", "like"}, {"value", "x"}})});
  expect400(op, "a filter's op is");
  expect400(json::object({{"metrics", json::Array{"events"}}}), "from is required");
}

TEST(AnalyticsRoutes, TheHostsOwnRequestsBecomeASeriesWithPercentilesPerRoute) {
  auto options = analyticsHost({{"events.route_stats_interval_s", "1"}});
  options.plugins.emplace_back(e2e::pluginPath("hello.so"), "hello.so");
  Porticod p(options);
  int64_t start = nowMs() / 60000 * 60000;
  for (int i = 0; i < 50; ++i) ASSERT_EQ(e2e::get(p.port(), "/hello/route-stats").status, 200);
  json::Value q = json::object({{"from", isoTime(start)},
                                {"to", isoTime(start + 10 * 60000)},
                                {"interval", "minute"},
                                {"route", "/hello/{name}"},
                                {"method", "GET"}});
  // Published within a second, stored by every host's plugin (other tests' hosts too, hence
  // at least).
  int64_t seen = 0;
  json::Value body;
  EXPECT_TRUE(e2e::eventually([&] {
    auto r = e2e::request(p.port(), "POST", "/analytics/v1/routes", q.dump(),
                          {{"Authorization", "Bearer " + readerToken()}});
    if (r.status != 200) return false;
    body = r.json();
    seen = 0;
    for (const auto& b : body.at("series").as_array()) seen += b.at("requests").as_int();
    return seen >= 50;
  })) << body.dump();
  const auto& slowest = body.at("slowest").as_array();
  ASSERT_EQ(slowest.size(), 1u) << body.dump();
  EXPECT_EQ(slowest[0].at("route").as_string(), "/hello/{name}");
  EXPECT_GT(slowest[0].at("p95_ms").as_double(), 0.0);
  EXPECT_LE(slowest[0].at("p50_ms").as_double(), slowest[0].at("p95_ms").as_double());
  EXPECT_LT(slowest[0].at("p95_ms").as_double(), 5000.0);
}

TEST(AnalyticsDashboard, ThePageAndItsFilesAreServedFromThePluginUnderAPolicy) {
  Porticod p(analyticsHost());
  auto bare = e2e::get(p.port(), "/analytics");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(bare.headers["location"], "/analytics/");
  auto page = e2e::get(p.port(), "/analytics/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.body.find("/analytics/assets/uPlot.iife.min.js"), std::string::npos);
  auto chart = e2e::get(p.port(), "/analytics/assets/uPlot.iife.min.js");
  EXPECT_EQ(chart.status, 200);
  EXPECT_EQ(chart.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_GT(chart.body.size(), 10000u);
  auto missing = e2e::get(p.port(), "/analytics/assets/secrets.env");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.json().at("message").as_string().find("no dashboard file"), std::string::npos);
}
