// SPDX-License-Identifier: Apache-2.0
// analytics: usage events, stored by day, counted by hour. Routes:
//   POST /analytics/v1/events  one event {event, distinct_id, timestamp?, properties{}, uuid?}
//   POST /analytics/v1/batch   {batch: [event, ...]} or [event, ...], up to max_batch events
//   POST /analytics/v1/query   scope analytics:read: series and top groups (Query.h)
//   POST /analytics/v1/routes  scope analytics:read: the hosts' own requests, errors and
//                              latency percentiles per route over time, and the slowest routes
//   GET  /analytics/           the dashboard (dashboard/; it asks for a token with the scope)
//   GET  /analytics/assets/{name}  its script, style and uPlot
// Both answer 202 {accepted, rejected: [{index, reason}], bot_filtered} once the accepted events
// are stored (EventWriter.h). A signed-in caller's events are attributed to the user; anyone
// else sends the write-only project key (api_key in the body, as sendBeacon cannot set headers,
// or X-Analytics-Key), which can write events and nothing else.
// Jobs: analytics.maintain (Maintenance.h); analytics.erase-user {user_id} anonymises a deleted
// user's events (the users plugin enqueues it: a job, because an event may be lost).
// Events: USER_CREATED, USER_DELETED and SETTINGS_UPDATED from the bus are counted as events of
// distinct_id "portico"; portico.route_stats (every host's, host/metrics/RouteStats.h) goes to
// analytics.route_stats.
#include <openssl/crypto.h>

#include <chrono>
#include <string>
#include <vector>

#include "Caller.h"
#include "DashboardAssets.h"
#include "EventInput.h"
#include "EventWriter.h"
#include "Maintenance.h"
#include "PluginConfig.h"
#include "Query.h"
#include "RowsJson.h"
#include "UserAgents.h"
#include "WallClock.h"
#include "portico/sdk.hpp"

namespace analytics_plugin {
namespace {

using portico::HttpError;
using portico::Request;
using portico::Response;
namespace json = portico::json;
using portico::common::configInt;
using portico::common::nowMs;
using portico::common::rowsArray;

Limits limitsFrom(const portico::Host& host) {
  Limits l;
  l.maxProperties = static_cast<size_t>(configInt(host, "max_properties", 100, 1, 10000));
  l.maxValueBytes = static_cast<size_t>(configInt(host, "max_value_bytes", 4096, 16, 1 << 20));
  l.maxDepth = static_cast<int>(configInt(host, "max_depth", 4, 0, 32));
  l.maxPropertiesBytes =
      static_cast<size_t>(configInt(host, "max_properties_bytes", 32768, 256, 1 << 24));
  l.maxFutureMs = configInt(host, "max_future_s", 3600, 0, 7 * 86400LL) * 1000;
  l.maxAgeMs = configInt(host, "max_age_days", 7, 1, 365) * 86400000;
  return l;
}

portico::Rows run(portico::Db& db, const Statement& statement) {
  std::vector<portico::Param> params(statement.params.begin(), statement.params.end());
  return db.query(statement.sql, params);
}

// The write key, compared in constant time.
bool sameKey(const std::string& expected, std::string_view given) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(expected.data(), given.data(), given.size()) == 0;
}

}  // namespace

class AnalyticsPlugin : public portico::Plugin {
 public:
  explicit AnalyticsPlugin(portico::Host& host)
      : host_(host),
        limits_(limitsFrom(host)),
        maxBatch_(static_cast<size_t>(configInt(host, "max_batch", 1000, 1, 100000))),
        writeKey_(host.config_or("write_key", "")),
        maintenance_{
            static_cast<int>(configInt(host, "retention_days", 90, 1, 36500)),
            std::chrono::seconds(configInt(host, "maintenance_interval_s", 3600, 1, 86400))},
        writer_(
            host,
            EventWriter::Options{
                static_cast<int>(configInt(host, "writers", 2, 1, 16)),
                static_cast<size_t>(configInt(host, "flush_rows", 10000, 1, 1000000)),
                static_cast<size_t>(configInt(host, "max_queued_rows", 200000, 1000, 100000000))}) {
    portico::RouteOptions ingestRoute{
        PORTICO_AUTH_OPTIONAL, "",
        static_cast<uint64_t>(configInt(host, "max_batch_bytes", 8 << 20, 1024, 1LL << 30))};
    host.route(
        "POST", "/analytics/v1/events",
        [this](const Request& req, Response& res) { ingest(req, res, false); }, ingestRoute);
    host.route(
        "POST", "/analytics/v1/batch",
        [this](const Request& req, Response& res) { ingest(req, res, true); }, ingestRoute);
    host.route("POST", "/analytics/v1/query", portico::handler(this, &AnalyticsPlugin::query),
               {PORTICO_AUTH_REQUIRED, "analytics:read", 65536});
    host.route("POST", "/analytics/v1/routes", portico::handler(this, &AnalyticsPlugin::routes),
               {PORTICO_AUTH_REQUIRED, "analytics:read", 65536});
    host.route("GET", "/analytics", [](const Request&, Response& res) {
      res.status(308);
      res.header("Location", "/analytics/");
    });
    host.route("GET", "/analytics/",
               [](const Request&, Response& res) { serveAsset(res, "index.html"); });
    host.route("GET", "/analytics/assets/{name}",
               [](const Request& req, Response& res) { serveAsset(res, *req.param("name")); });
    host.subscribe("portico.route_stats", [](const portico::Event& e) { storeRouteStats(e); });
    host.handle_jobs(kMaintainQueue,
                     [this](const portico::Job& job) { maintain(host_, job, maintenance_); });
    host.handle_jobs("analytics.erase-user", [](const portico::Job& job) { eraseUser(job); });
    for (const char* topic : {"USER_CREATED", "USER_DELETED", "SETTINGS_UPDATED"}) {
      host.subscribe(topic, [this](const portico::Event& e) { countBusEvent(e); });
    }
    // Events are taken without the queue; the partitions made a week ahead leave time for a
    // later start (or the running chain) to schedule maintenance.
    try {
      host.enqueue(kMaintainQueue, json::object({}));
    } catch (const std::exception& e) {
      host.warn(std::string("analytics: maintenance not scheduled at start: ") + e.what());
    }
  }

 private:
  void ingest(const Request& req, Response& res, bool batch) {
    json::Value body = req.json().value();
    std::string userId = caller(req, body);

    const json::Array* events = nullptr;
    json::Array single;
    if (!batch) {
      single.push_back(std::move(body));
      events = &single;
    } else if (body.is_array()) {
      events = &body.as_array();
    } else if (const json::Value* b = body.find("batch"); b != nullptr && b->is_array()) {
      events = &b->as_array();
    } else {
      throw HttpError(400, "a batch is {\"batch\": [events]} or [events]");
    }
    if (events->size() > maxBatch_) {
      throw HttpError(413, "a batch holds at most " + std::to_string(maxBatch_) + " events, not " +
                               std::to_string(events->size()));
    }

    json::Array rejected;
    std::vector<Row> rows;
    rows.reserve(events->size());
    const int64_t now = nowMs();
    const std::string userAgent(req.header("User-Agent").value_or(""));
    const std::string clientIp(req.client_ip());
    for (size_t i = 0; i < events->size(); ++i) {
      Checked checked = checkEvent((*events)[i], limits_, now);
      if (!checked.event) {
        rejected.push_back(json::object({{"index", i}, {"reason", checked.reason}}));
        continue;
      }
      rows.push_back(Row{std::move(*checked.event), userId, clientIp, userAgent});
    }
    if (!batch && !rejected.empty()) {
      throw HttpError(400, rejected[0].at("reason").as_string());
    }
    int64_t accepted = static_cast<int64_t>(rows.size());
    bool bot = isBot(userAgent);
    if (bot) {
      writer_.write({}, accepted);
    } else if (!rows.empty()) {
      writer_.write(std::move(rows), 0);
    }
    res.json(json::object({{"accepted", accepted},
                           {"rejected", json::Value(std::move(rejected))},
                           {"bot_filtered", bot ? accepted : 0}}),
             202);
  }

  void query(const Request& req, Response& res) {
    QuerySpec spec = parseQuery(req.json().value(), QueryLimits{});
    portico::Db db(req);
    auto tx = db.begin();
    // An hll state is kilobytes: a month of hours would spill to disk at the default work_mem.
    db.execute("SET LOCAL work_mem = '64MB'");
    json::Value out = json::object({{"source", spec.fromRollups() ? "rollups" : "events"},
                                    {"interval", spec.interval},
                                    {"series", rowsArray(run(db, seriesStatement(spec)))}});
    if (!spec.groupBy.empty()) out.set("groups", rowsArray(run(db, groupsStatement(spec))));
    if (spec.explain) {
      Statement plan = seriesStatement(spec);
      plan.sql = "EXPLAIN (ANALYZE, BUFFERS) " + plan.sql;
      json::Array lines;
      auto rows = run(db, plan);
      for (size_t i = 0; i < rows.size(); ++i) lines.emplace_back(rows.at(i, 0).as_text());
      out.set("plan", std::move(lines));
    }
    tx.commit();
    res.json(out);
  }

  void routes(const Request& req, Response& res) {
    RoutesSpec spec = parseRoutesQuery(req.json().value(), QueryLimits{});
    portico::Db db(req);
    res.json(json::object({{"interval", spec.interval},
                           {"series", rowsArray(run(db, routesSeriesStatement(spec)))},
                           {"slowest", rowsArray(run(db, slowestRoutesStatement(spec)))}}));
  }

  static void serveAsset(Response& res, std::string_view name) {
    const Asset* asset = findAsset(name);
    if (asset == nullptr) throw HttpError(404, "no dashboard file " + std::string(name));
    res.header("Content-Type", std::string(asset->contentType));
    res.header("X-Content-Type-Options", "nosniff");
    // Its own files and its own API only; the page is framed by nobody.
    res.header("Content-Security-Policy",
               "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
               "img-src 'self' data:; frame-ancestors 'none'");
    res.header("Cache-Control", name == "index.html" ? "no-cache" : "public, max-age=3600");
    res.write(asset->bytes);
  }

  // Every host receives every host's figures: the table's key keeps one copy.
  static void storeRouteStats(const portico::Event& e) {
    portico::Db db(e);
    db.execute(
        "INSERT INTO analytics.route_stats (bucket, host, method, route, plugin, requests, "
        "errors, sum_ms, bounds_ms, counts) "
        "SELECT to_timestamp(($1::jsonb->>'to')::bigint / 1000.0), $1::jsonb->>'host', r.method, "
        "r.route, r.plugin, r.requests, r.errors, r.sum_ms, "
        "ARRAY(SELECT jsonb_array_elements_text($1::jsonb->'bounds_ms')::float8), "
        "ARRAY(SELECT jsonb_array_elements_text(r.counts)::bigint) "
        "FROM jsonb_to_recordset($1::jsonb->'routes') AS r(method text, route text, plugin "
        "text, requests bigint, errors bigint, sum_ms float8, counts jsonb) "
        "ON CONFLICT DO NOTHING",
        {portico::Jsonb{e.payload.dump()}});
  }

  // The signed-in user the events belong to ("" for anonymous or a service), or 401 for an
  // anonymous caller without the write key.
  std::string caller(const Request& req, const json::Value& body) const {
    if (auto principal = req.principal()) {
      return portico::common::isUuid(principal->subject) ? std::string(principal->subject) : "";
    }
    std::string_view key = req.header("X-Analytics-Key").value_or("");
    if (const json::Value* k = body.find("api_key"); key.empty() && k && k->is_string()) {
      key = k->as_string();
    }
    if (writeKey_.empty()) {
      throw HttpError(401, "sign in to send events (no project key is configured)");
    }
    if (!sameKey(writeKey_, key)) {
      throw HttpError(401, "send events signed in or with the project key (api_key)");
    }
    return "";
  }

  // Counted, not attributed: a USER_DELETED kept under the user's id would undo its erasure.
  void countBusEvent(const portico::Event& e) {
    Row row;
    row.event.event = std::string(e.topic);
    row.event.distinctId = "portico";
    row.event.tsMs = nowMs();
    row.event.properties = "{}";
    writer_.write({std::move(row)}, 0);
  }

  static void eraseUser(const portico::Job& job) {
    const json::Value* id = job.payload.find("user_id");
    if (id == nullptr || !id->is_string() || !portico::common::isUuid(id->as_string())) return;
    portico::Db db(job);
    // One random visitor id for the whole user: counts of visitors stay as they were.
    db.execute(
        "UPDATE analytics.events SET user_id = NULL, distinct_id = 'erased', properties = '{}', "
        "user_agent = '', visitor_id = 'erased:' || $2 "
        "WHERE user_id = $1 OR distinct_id = $1::text",
        {portico::Uuid{id->as_string()}, std::string(job.id)});
  }

  portico::Host& host_;
  Limits limits_;
  size_t maxBatch_;
  std::string writeKey_;
  MaintenanceOptions maintenance_;
  EventWriter writer_;  // last: its destructor writes what is queued while the rest still lives
};

}  // namespace analytics_plugin

PORTICO_PLUGIN(analytics_plugin::AnalyticsPlugin, "analytics", ANALYTICS_VERSION)
