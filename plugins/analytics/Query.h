/* SPDX-License-Identifier: Apache-2.0 */
// POST /analytics/v1/query: a request checked into a QuerySpec, then one or two SQL statements.
//   {"metrics": ["events", "visitors", "p50", "p95", "p99"],   p* need value_property
//    "value_property": "duration_ms",                          a numeric property
//    "from": "2026-11-03T00:00:00Z", "to": "2026-12-03T00:00:00Z",
//    "interval": "minute" | "hour" | "day" | "week",
//    "events": ["pageview", ...],                               optional: these names only
//    "filters": [{"property": "plan", "op": "eq", "value": "pro"}, ...],
//    "group_by": "path", "limit": 10,                           optional: top N values
//                                                               ("$event": of the event name)
//    "explain": true}                                           optional: the plan as well
// Events and visitors over whole hours without property filters or groups come from the hourly
// rollups; anything else reads the events themselves (BRIN on time bounds what is read).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "portico/json.hpp"

namespace analytics_plugin {

struct PropertyFilter {
  std::string property;
  std::string op;  // eq, neq, contains, gt, lt, set, not_set
  std::string value;
};

// group_by this to group by the event's name rather than by a property.
inline constexpr const char* kEventName = "$event";

struct QuerySpec {
  bool events = false;
  bool visitors = false;
  std::vector<std::pair<std::string, double>> percentiles;  // of value_property: {"p95", 0.95}
  std::string valueProperty;
  int64_t fromMs = 0;
  int64_t toMs = 0;
  std::string interval;  // a date_trunc unit
  std::vector<std::string> eventNames;
  std::vector<PropertyFilter> filters;
  std::string groupBy;
  int64_t limit = 10;
  bool explain = false;  // answer the series statement's plan too (EXPLAIN ANALYZE)

  bool fromRollups() const;
};

struct QueryLimits {
  int64_t maxBuckets = 2000;
  int64_t maxRangeMs = 400LL * 86400000;
};

// Throws portico::HttpError 400 naming what is wrong.
QuerySpec parseQuery(const portico::json::Value& body, const QueryLimits& limits);

// A statement and its parameters, as text: $1 the start, $2 the end (both ms since the epoch),
// then in order of appearance.
struct Statement {
  std::string sql;
  std::vector<std::string> params;
};

// Rows: bucket (RFC 3339 text) and the asked metrics, by time.
Statement seriesStatement(const QuerySpec& q);
// Rows: value (the group_by property as text, or the event name) and the metrics, most events
// first.
Statement groupsStatement(const QuerySpec& q);

// POST /analytics/v1/routes: the host's own figures (analytics.route_stats).
//   {"from", "to", "interval", "route": "/users/me", "method": "GET", "limit": 10}
// route and method optional; limit: how many of the slowest routes (by p95) to list.
struct RoutesSpec {
  int64_t fromMs = 0;
  int64_t toMs = 0;
  std::string interval;
  std::string route;
  std::string method;
  int64_t limit = 10;
};

RoutesSpec parseRoutesQuery(const portico::json::Value& body, const QueryLimits& limits);
// Rows: bucket, requests, errors, mean_ms, p50_ms, p95_ms, p99_ms, by time.
Statement routesSeriesStatement(const RoutesSpec& q);
// Rows: method, route, requests, errors, mean_ms, p50_ms, p95_ms, p99_ms, slowest p95 first.
Statement slowestRoutesStatement(const RoutesSpec& q);

}  // namespace analytics_plugin
