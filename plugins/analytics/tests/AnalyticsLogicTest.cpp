// SPDX-License-Identifier: Apache-2.0
// The checks an incoming event goes through before it is queued, and the bot filter.
#include <gtest/gtest.h>

#include "EventInput.h"
#include "EventWriter.h"
#include "Query.h"
#include "UserAgents.h"

using namespace analytics_plugin;
namespace json = portico::json;

namespace {

const int64_t kNow = 1796294400000;  // 2026-12-03T10:40:00Z

Checked check(const std::string& text, const Limits& limits = {}) {
  return checkEvent(json::parse(text), limits, kNow);
}

std::string reason(const std::string& text, const Limits& limits = {}) {
  auto c = check(text, limits);
  EXPECT_FALSE(c.event.has_value()) << text;
  return c.reason;
}

}  // namespace

TEST(AnalyticsInput, AWellFormedEventKeepsItsFields) {
  auto c = check(R"({"event":"signup","distinct_id":"d1","timestamp":"2026-12-03T10:00:00.250Z",
                     "uuid":"0193A1B2-0000-7000-8000-000000000001","properties":{"plan":"pro"}})");
  ASSERT_TRUE(c.event) << c.reason;
  EXPECT_EQ(c.event->event, "signup");
  EXPECT_EQ(c.event->distinctId, "d1");
  EXPECT_EQ(c.event->tsMs, kNow - 40LL * 60 * 1000 + 250);
  EXPECT_EQ(c.event->uuid, "0193a1b2-0000-7000-8000-000000000001");
  EXPECT_EQ(c.event->properties, R"({"plan":"pro"})");
  EXPECT_FALSE(c.event->clamped);
}

TEST(AnalyticsInput, TimestampsAreRfc3339OrMillisecondsWithZones) {
  EXPECT_EQ(parseTimestamp("2026-12-03T12:40:00+02:00"), kNow);
  EXPECT_EQ(parseTimestamp("2026-12-03T10:40:00Z"), kNow);
  EXPECT_EQ(parseTimestamp("2026-12-03 10:40:00"), std::nullopt);
  EXPECT_EQ(parseTimestamp("yesterday"), std::nullopt);
  EXPECT_EQ(check(R"({"event":"e","distinct_id":"d","timestamp":1796294400000})").event->tsMs,
            kNow);
  EXPECT_NE(reason(R"({"event":"e","distinct_id":"d","timestamp":"soon"})").find("RFC 3339"),
            std::string::npos);
}

TEST(AnalyticsInput, WithoutATimestampAUuidV7GivesItsTimeAndOtherwiseNow) {
  // Two days before kNow in the first 48 bits.
  auto v7 =
      check(R"({"event":"e","distinct_id":"d","uuid":"01a23130-a000-7000-8000-000000000000"})");
  ASSERT_TRUE(v7.event) << v7.reason;
  EXPECT_EQ(v7.event->tsMs, kNow - 2 * 86400000LL);
  EXPECT_EQ(check(R"({"event":"e","distinct_id":"d"})").event->tsMs, kNow);
}

TEST(AnalyticsInput, TheFutureIsClampedToNowAndTheDistantPastRejected) {
  auto future = check(R"({"event":"e","distinct_id":"d","timestamp":"2026-12-04T10:40:00Z"})");
  ASSERT_TRUE(future.event);
  EXPECT_EQ(future.event->tsMs, kNow);
  EXPECT_TRUE(future.event->clamped);
  auto soon = check(R"({"event":"e","distinct_id":"d","timestamp":"2026-12-03T11:00:00Z"})");
  EXPECT_FALSE(soon.event->clamped);
  EXPECT_NE(reason(R"({"event":"e","distinct_id":"d","timestamp":"2026-11-01T00:00:00Z"})")
                .find("more than 7 days old"),
            std::string::npos);
}

TEST(AnalyticsInput, NamesArePresentBoundedAndPrintable) {
  EXPECT_NE(reason(R"({"distinct_id":"d"})").find("event is required"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"e"})").find("distinct_id is required"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"","distinct_id":"d"})").find("1 to 200 bytes"), std::string::npos);
  EXPECT_NE(reason(R"({"event":"a\nb","distinct_id":"d"})").find("control"), std::string::npos);
  EXPECT_NE(
      reason(R"({"event":")" + std::string(201, 'x') + R"(","distinct_id":"d"})").find("1 to 200"),
      std::string::npos);
  EXPECT_EQ(reason(R"("just text")"), "an event is a JSON object");
  EXPECT_EQ(reason(R"({"event":"e","distinct_id":"d","uuid":"nope"})"), "uuid must be a UUID");
}

TEST(AnalyticsInput, PropertiesAreBoundedInCountSizeAndDepth) {
  Limits limits;
  limits.maxProperties = 2;
  limits.maxValueBytes = 8;
  limits.maxDepth = 2;
  limits.maxPropertiesBytes = 64;
  auto event = [](const std::string& props) {
    return R"({"event":"e","distinct_id":"d","properties":)" + props + "}";
  };
  EXPECT_TRUE(check(event(R"({"a":1,"b":{"c":"12345678"}})"), limits).event);
  EXPECT_EQ(reason(event(R"({"a":1,"b":2,"c":3})"), limits), "more than 2 properties");
  EXPECT_NE(reason(event(R"({"a":"123456789"})"), limits).find("longer than 8"), std::string::npos);
  EXPECT_NE(reason(event(R"({"a":{"b":{"c":1}}})"), limits).find("deeper than 2"),
            std::string::npos);
  EXPECT_NE(reason(event(R"({"a":[1,2,3]})"), limits).find("more than 2 items"), std::string::npos);
  Limits small;
  small.maxPropertiesBytes = 16;
  EXPECT_NE(reason(event(R"({"a":"12345678","b":"12345678"})"), small).find("more than 16 bytes"),
            std::string::npos);
  EXPECT_EQ(reason(event(R"([1])"), limits), "properties must be an object");
}

TEST(AnalyticsInput, TextPostgreSQLCannotStoreFailsOnlyItsEvent) {
  EXPECT_NE(reason(R"({"event":"e","distinct_id":"d","properties":{"a":"x\u0000y"}})")
                .find("without NUL"),
            std::string::npos);
  // Invalid UTF-8 never gets this far: the SDK's parser refuses the body, naming the field.
  try {
    reason("{\"event\":\"e\",\"distinct_id\":\"d\",\"properties\":{\"a\":\"\xff\xfe\"}}");
    ADD_FAILURE() << "invalid UTF-8 was parsed";
  } catch (const json::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("field 'properties.a': string is not valid UTF-8"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(check(R"({"event":"ünïcode ✓","distinct_id":"d"})").event);
}

TEST(AnalyticsInput, RowsReachTheDatabaseAsOneJsonArray) {
  Row a;
  a.event = *check(R"({"event":"say \"hi\"","distinct_id":"d","properties":{"k":[1]}})").event;
  a.clientIp = "10.0.0.1";
  a.userAgent = std::string(600, 'u');
  Row b = a;
  b.userId = "0193a1b2-0000-7000-8000-000000000001";
  b.event.uuid = "0193a1b2-0000-7000-8000-000000000002";
  auto parsed = json::parse(rowsJson({&a, &b}));
  ASSERT_EQ(parsed.as_array().size(), 2u);
  // Made here when the client sent none: a UUIDv7 of the event's time.
  auto made = check(R"({"event":"e","distinct_id":"d","uuid":")" +
                    parsed.as_array()[0].at("uuid").as_string() + R"("})");
  ASSERT_TRUE(made.event) << made.reason;
  EXPECT_EQ(made.event->tsMs, kNow);
  EXPECT_NE(parsed.as_array()[0].at("uuid").as_string(), newUuidV7(kNow));
  EXPECT_TRUE(parsed.as_array()[0].at("user_id").is_null());
  EXPECT_EQ(parsed.as_array()[0].at("event").as_string(), "say \"hi\"");
  EXPECT_EQ(parsed.as_array()[0].at("user_agent").as_string().size(), 512u);
  EXPECT_EQ(parsed.as_array()[0].at("properties").dump(), R"({"k":[1]})");
  EXPECT_EQ(parsed.as_array()[1].at("user_id").as_string(), b.userId);
  EXPECT_EQ(parsed.as_array()[1].at("ts").as_int(), kNow);
}

TEST(AnalyticsBots, CrawlersPreviewsAndLibrariesAreBotsBrowsersAreNot) {
  EXPECT_TRUE(isBot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
  EXPECT_TRUE(isBot("facebookexternalhit/1.1"));
  EXPECT_TRUE(isBot("curl/7.88.1"));
  EXPECT_TRUE(isBot("python-requests/2.28"));
  EXPECT_TRUE(isBot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0"));
  EXPECT_TRUE(isBot(""));
  EXPECT_FALSE(
      isBot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Safari/537.36"));
  EXPECT_FALSE(
      isBot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"));
}

// ---- Queries ----

namespace {

json::Value baseQuery() {
  return json::parse(R"({"metrics":["events","visitors"],"from":"2026-11-03T00:00:00Z",
                         "to":"2026-12-03T00:00:00Z","interval":"hour"})");
}

// Every $n in the statement has a parameter and every parameter a $n.
void expectPlaceholdersMatch(const Statement& s) {
  for (size_t n = 1; n <= s.params.size(); ++n) {
    EXPECT_NE(s.sql.find("$" + std::to_string(n)), std::string::npos) << n << ": " << s.sql;
  }
  EXPECT_EQ(s.sql.find("$" + std::to_string(s.params.size() + 1)), std::string::npos) << s.sql;
}

}  // namespace

TEST(AnalyticsQuerySpec, WholeHoursOfEventsAndVisitorsUseTheRollups) {
  QuerySpec q = parseQuery(baseQuery(), QueryLimits{});
  EXPECT_TRUE(q.fromRollups());
  auto s = seriesStatement(q);
  EXPECT_NE(s.sql.find("analytics.events_hourly"), std::string::npos);
  expectPlaceholdersMatch(s);

  auto minute = baseQuery();
  minute.set("interval", "minute");
  minute.set("from", "2026-12-02T00:00:00Z");
  EXPECT_FALSE(parseQuery(minute, QueryLimits{}).fromRollups());
  auto unaligned = baseQuery();
  unaligned.set("from", "2026-11-03T00:30:00Z");
  EXPECT_FALSE(parseQuery(unaligned, QueryLimits{}).fromRollups());
}

TEST(AnalyticsQuerySpec, FiltersGroupsAndPercentilesReadEventsWithEveryValueAParameter) {
  auto body = baseQuery();
  body.set("metrics", json::Array{"events", "p95"});
  body.set("value_property", "duration_ms");
  body.set("events", json::Array{"pageview", "x'); DROP TABLE y; --"});
  body.set("filters", json::parse(R"([{"property":"plan","op":"eq","value":"pro"},
                                       {"property":"n","op":"gt","value":3},
                                       {"property":"ref","op":"set"},
                                       {"property":"q","op":"contains","value":"%"}])"));
  body.set("group_by", "path");
  QuerySpec q = parseQuery(body, QueryLimits{});
  EXPECT_FALSE(q.fromRollups());
  for (const Statement& s : {seriesStatement(q), groupsStatement(q)}) {
    expectPlaceholdersMatch(s);
    EXPECT_EQ(s.sql.find("DROP TABLE"), std::string::npos);
    EXPECT_EQ(s.sql.find("plan"), std::string::npos);
    EXPECT_NE(s.sql.find("percentile_cont(0.950000)"), std::string::npos);
  }
}

TEST(AnalyticsQuerySpec, BadQueriesSayWhatIsWrong) {
  auto expectRefused = [](const json::Value& body, const std::string& words) {
    try {
      parseQuery(body, QueryLimits{});
      ADD_FAILURE() << "accepted " << body.dump();
    } catch (const portico::HttpError& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  auto q = baseQuery();
  q.set("interval", "fortnight");
  expectRefused(q, "interval is minute, hour, day or week");
  q = baseQuery();
  q.set("from", "2024-01-01T00:00:00Z");
  expectRefused(q, "at most 400 days");
  q = baseQuery();
  q.set("filters", json::parse(R"([{"property":"n","op":"gt","value":"three"}])"));
  expectRefused(q, "gt and lt compare with a number");
  q = baseQuery();
  q.set("group_by", "path");
  q.set("limit", 1000);
  expectRefused(q, "limit is 1 to 100");
  expectRefused(json::parse("[]"), "a query is a JSON object");
}
