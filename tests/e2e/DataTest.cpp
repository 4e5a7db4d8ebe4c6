// SPDX-License-Identifier: Apache-2.0
// The data plane through the ABI, against the real PostgreSQL and Redis that packaging/dev
// starts (PORTICO_DATABASE_URL, PORTICO_REDIS_URL): every type, NULL, injection, errors,
// transactions, leases, Redis replies.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <thread>

#include "Http.h"
#include "LoadClients.h"
#include "Porticod.h"
#include "SharedHost.h"
#include "portico/plugin.h"

using e2e::Porticod;
namespace json = portico::json;

namespace {

const char* const kPostgresInUse = "portico_pool_connections{pool=\"postgresql\",state=\"in_use\"}";

class Data : public e2e::SharedHost<Data> {
 public:
  static Porticod::Options options() {
    return {{{e2e::fixturePath("datatest_v1.so"), "datatest.so"}}, {}, {}, true};
  }

 protected:
  static e2e::Reply post(const std::string& path, const std::string& body) {
    return e2e::request(host->port(), "POST", path, body, {{"Content-Type", "application/json"}});
  }
};

// The database outlives a run: names carry this run's token so earlier rows never match.
std::string runToken() {
  static const std::string token =
      std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
  return token;
}

}  // namespace

TEST_F(Data, EveryTypeRoundTrips) {
  auto r = post("/data/echo", R"({
    "int64": -9007199254740993, "double": 3.25e-300, "bool": true,
    "text": "O'Brien \"quoted\" \u2713 $1 --", "bytea_hex": "00ff0d0a4100",
    "uuid": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "timestamptz_us": 1732411234123457,
    "jsonb": {"a": [1, 2, {"b": null}], "s": "x"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("int64").at("type").as_string(), "int64");
  EXPECT_EQ(v.at("int64").at("value").as_int(), -9007199254740993LL);
  EXPECT_EQ(v.at("double").at("type").as_string(), "double");
  EXPECT_EQ(v.at("double").at("value").as_double(), 3.25e-300);
  EXPECT_EQ(v.at("bool").at("type").as_string(), "bool");
  EXPECT_TRUE(v.at("bool").at("value").as_bool());
  EXPECT_EQ(v.at("text").at("type").as_string(), "text");
  EXPECT_EQ(v.at("text").at("value").as_string(), "O'Brien \"quoted\" \xe2\x9c\x93 $1 --");
  EXPECT_EQ(v.at("bytea").at("type").as_string(), "bytea");
  EXPECT_EQ(v.at("bytea").at("value").as_string(), "00ff0d0a4100");
  EXPECT_EQ(v.at("uuid").at("type").as_string(), "uuid");
  EXPECT_EQ(v.at("uuid").at("value").as_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(v.at("timestamptz").at("type").as_string(), "timestamptz");
  EXPECT_EQ(v.at("timestamptz").at("value").as_int(), 1732411234123457LL) << "microseconds kept";
  EXPECT_EQ(v.at("jsonb").at("type").as_string(), "jsonb");
  EXPECT_EQ(json::parse(v.at("jsonb").at("value").as_string()),
            json::parse(R"({"a": [1, 2, {"b": null}], "s": "x"})"));
}

TEST_F(Data, NullStaysNull) {
  auto r = post("/data/echo", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  for (const char* column :
       {"int64", "double", "bool", "text", "bytea", "uuid", "timestamptz", "jsonb"}) {
    EXPECT_EQ(v.at(column).at("type").as_string(), "null") << column;
    EXPECT_TRUE(v.at(column).at("value").is_null()) << column;
  }
}

TEST_F(Data, TimestampsBeforeTheEpochAndInfinity) {
  auto r = post("/data/echo", R"({"timestamptz_us": -1234567})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("timestamptz").at("value").as_int(), -1234567);
}

TEST_F(Data, SqlInjectionThroughEveryParameterPathIsInert) {
  const std::string evil = "x' OR '1'='1'; DROP TABLE datatest_items; -- " + runToken();
  auto created = post("/data/items", json::object({{"name", evil}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  auto before = e2e::get(host->port(), "/data/items?name=nobody").json().at("total").as_int();

  // Query string path: the literal text matches only the row that holds it.
  auto found = e2e::get(host->port(), "/data/items?name=x%27%20OR%20%271%27%3D%271");
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(found.json().at("items").as_array().size(), 0u);
  auto exact = e2e::get(host->port(),
                        "/data/items?name=x%27%20OR%20%271%27%3D%271%27%3B%20DROP%20TABLE%20"
                        "datatest_items%3B%20--%20" +
                            runToken());
  ASSERT_EQ(exact.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(exact.json().at("items").as_array().at(0).at("name").as_string(), evil);

  // Path parameter: refused as a value, never spliced into SQL.
  EXPECT_EQ(e2e::get(host->port(), "/data/items/1%20OR%201%3D1").status, 400);
  // Typed body values: text is bound, not interpolated.
  auto echo = post("/data/echo", json::object({{"text", evil}}).dump());
  EXPECT_EQ(echo.json().at("text").at("value").as_string(), evil);

  // The table is still there and only grew by what we inserted.
  auto after = e2e::get(host->port(), "/data/items?name=nobody");
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.json().at("total").as_int(), before);
}

TEST_F(Data, QueryErrorComesBackWithPostgresMessage) {
  auto r = e2e::get(host->port(), "/data/bad-sql");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.json().at("refused").as_bool());
  EXPECT_NE(
      r.json().at("message").as_string().find("relation \"datatest_no_such_table\" does not exist"),
      std::string::npos)
      << r.body;
  EXPECT_EQ(e2e::get(host->port(), "/data/items?name=x").status, 200) << "the session is reusable";
}

TEST_F(Data, TransactionsCommitAndRollBack) {
  auto rolledBack = e2e::request(host->port(), "POST", "/data/tx?commit=0&tag=rb" + runToken());
  ASSERT_EQ(rolledBack.status, 200) << rolledBack.body;
  EXPECT_EQ(rolledBack.json().at("count").as_int(), 0);
  auto committed = e2e::request(host->port(), "POST", "/data/tx?commit=1&tag=ok" + runToken());
  EXPECT_EQ(committed.json().at("count").as_int(), 1);
}

TEST_F(Data, LeaseLeftOpenIsReclaimedAtRequestEnd) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(e2e::get(host->port(), "/data/leak").status, 200);
  EXPECT_GE(e2e::metric(host->port(), "portico_lease_reclaims_total"), 3.0);
  EXPECT_EQ(e2e::metric(host->port(), kPostgresInUse), 0);
  EXPECT_NE(host->logs().find("reclaimed a postgresql lease of plugin 'datatest' generation 1"),
            std::string::npos);
}

// The lease is tied to the request through the context it was taken with, not through the thread
// that took it: a helper thread's lease is reclaimed with its request, and its log line carries
// the request id.
TEST_F(Data, LeaseTakenOnAHelperThreadIsReclaimedWithItsRequest) {
  double before = e2e::metric(host->port(), "portico_lease_reclaims_total");
  auto r = e2e::get(host->port(), "/data/leak-from-thread");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id = r.headers.at("x-request-id");
  EXPECT_EQ(e2e::metric(host->port(), "portico_lease_reclaims_total"), before + 1);
  EXPECT_EQ(e2e::metric(host->port(), kPostgresInUse), 0);
  std::string logs = host->logs();
  EXPECT_NE(logs.find("[" + id + "] helper thread leaking a lease"), std::string::npos) << logs;
  EXPECT_NE(logs.find("generation 1 taken for request " + id), std::string::npos) << logs;
}

TEST_F(Data, RedisRepliesOfEveryType) {
  auto r = e2e::request(host->port(), "POST", "/data/redis");
  ASSERT_EQ(r.status, 200) << r.body;
  auto v = r.json();
  EXPECT_EQ(v.at("set").at("type").as_int(), PORTICO_REDIS_STATUS);
  EXPECT_EQ(v.at("set").at("value").as_string(), "4f4b");  // OK
  EXPECT_EQ(v.at("get").at("type").as_int(), PORTICO_REDIS_STRING);
  EXPECT_EQ(v.at("get").at("value").as_string(), "6100620d0a63") << "binary-safe";
  EXPECT_EQ(v.at("missing").at("type").as_int(), PORTICO_REDIS_NIL);
  EXPECT_EQ(v.at("incr").at("type").as_int(), PORTICO_REDIS_INTEGER);
  EXPECT_EQ(v.at("incr").at("value").as_int(), 41);
  EXPECT_EQ(v.at("wrongtype").at("type").as_int(), PORTICO_REDIS_ERROR);
  EXPECT_EQ(v.at("array").at("type").as_int(), PORTICO_REDIS_ARRAY);
  EXPECT_EQ(v.at("array").at("size").as_int(), 3);
  EXPECT_EQ(v.at("array").at("second").as_string(), "y");
  EXPECT_EQ(v.at("del").at("value").as_int(), 3);
}

TEST_F(Data, ReadyListsServicesWithLatency) {
  auto r = e2e::get(host->port(), "/ready");
  ASSERT_EQ(r.status, 200) << r.body;
  auto services = r.json().at("services").as_array();
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services.at(0).at("name").as_string(), "postgresql");
  EXPECT_EQ(services.at(1).at("name").as_string(), "redis");
  EXPECT_EQ(services.at(2).at("name").as_string(), "jobs");
  for (const auto& s : services) {
    EXPECT_EQ(s.at("status").as_string(), "up");
    EXPECT_GE(s.at("latency_ms").as_double(), 0.0);
  }
}

TEST_F(Data, HundredHotSwapsUnderLoadFailNothingAndReturnEverySession) {
  auto created = post("/data/items", json::object({{"name", "swap-" + runToken()}}).dump());
  ASSERT_EQ(created.status, 201) << created.body;
  std::string path = "/data/items/" + std::to_string(created.json().at("id").as_int());
  std::string v1 = e2e::readFile(e2e::fixturePath("datatest_v1.so"));
  std::string v2 = e2e::readFile(e2e::fixturePath("datatest_v2.so"));

  e2e::LoadClients load(host->port(), path, "name", 4, 180);
  for (int i = 0; i < 100; ++i) {
    auto r = e2e::admin(*host, "PUT", "/admin/plugins/datatest", i % 2 == 0 ? v2 : v1);
    ASSERT_EQ(r.status, 200) << "swap " << i << ": " << r.body;
  }
  load.stop();
  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0]);
  EXPECT_GT(load.ok(), 100u);

  // Every session goes back to the pool once the old generations have drained.
  double inUse = -1;
  for (int i = 0; i < 250 && inUse != 0; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    inUse = e2e::metric(host->port(), kPostgresInUse);
  }
  EXPECT_EQ(inUse, 0);
}
