// SPDX-License-Identifier: Apache-2.0
#include "Query.h"

#include <algorithm>
#include <map>

#include "EventInput.h"
#include "portico/errors.hpp"

namespace analytics_plugin {

namespace json = portico::json;
using portico::HttpError;

namespace {

const std::map<std::string, int64_t> kIntervals = {
    {"minute", 60000}, {"hour", 3600000}, {"day", 86400000}, {"week", 7 * 86400000LL}};
const std::map<std::string, double> kPercentiles = {
    {"p50", 0.5}, {"p90", 0.9}, {"p95", 0.95}, {"p99", 0.99}};
const char* const kOps[] = {"eq", "neq", "contains", "gt", "lt", "set", "not_set"};

const json::Value& required(const json::Value& body, const char* field) {
  const json::Value* v = body.find(field);
  if (v == nullptr) throw HttpError(400, std::string(field) + " is required");
  return *v;
}

std::string text(const json::Value& v, const char* field) {
  if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 200) {
    throw HttpError(400, std::string(field) + " must be a string of 1 to 200 bytes");
  }
  return v.as_string();
}

int64_t instant(const json::Value& body, const char* field) {
  auto ms = parseTimestamp(text(required(body, field), field));
  if (!ms) throw HttpError(400, std::string(field) + " must be an RFC 3339 timestamp");
  return *ms;
}

// Appends a text parameter and returns its placeholder.
std::string param(Statement& s, std::string value) {
  s.params.push_back(std::move(value));
  return "$" + std::to_string(s.params.size());
}

// The property's value as a number, NULL when it is not one (never a failed cast).
std::string numeric(Statement& s, const std::string& property) {
  std::string p = param(s, property);
  return "(CASE WHEN jsonb_typeof(properties->" + p + ") = 'number' THEN (properties->>" + p +
         ")::float8 END)";
}

// " AND event IN (...)" when the query names events.
std::string eventsIn(const QuerySpec& q, Statement& s) {
  if (q.eventNames.empty()) return "";
  return " AND event IN (SELECT jsonb_array_elements_text(" +
         param(s, json::Value(json::Array(q.eventNames.begin(), q.eventNames.end())).dump()) +
         "::jsonb))";
}

// " WHERE" the column lies in [$1, $2) (ms since the epoch).
std::string inRange(const std::string& column) {
  return " WHERE " + column + " >= to_timestamp($1::bigint / 1000.0) AND " + column +
         " < to_timestamp($2::bigint / 1000.0)";
}

// Unique visitors of the hourly rollups' rows added together.
constexpr const char* kRollupVisitors =
    ", round(hll_cardinality(hll_union_agg(visitors)))::bigint AS visitors";

std::string where(const QuerySpec& q, Statement& s) {
  std::string w = inRange("ts") + eventsIn(q, s);
  // Every placeholder is used: PostgreSQL cannot type one that is not.
  for (const auto& f : q.filters) {
    if (f.op == "gt" || f.op == "lt") {
      w += " AND " + numeric(s, f.property) + (f.op == "gt" ? " > " : " < ") + param(s, f.value) +
           "::float8";
      continue;
    }
    std::string key = param(s, f.property);
    if (f.op == "set" || f.op == "not_set") {
      w += std::string(" AND ") + (f.op == "set" ? "" : "NOT ") + "properties ? " + key;
    } else if (f.op == "contains") {
      w += " AND strpos(properties->>" + key + ", " + param(s, f.value) + ") > 0";
    } else {
      w += " AND properties->>" + key + (f.op == "eq" ? " = " : " IS DISTINCT FROM ") +
           param(s, f.value);
    }
  }
  return w;
}

// The SELECT list of the asked metrics over raw events.
std::string rawMetrics(const QuerySpec& q, Statement& s) {
  std::string m;
  if (q.events) m += ", count(*) AS events";
  if (q.visitors) {
    m += ", round(hll_cardinality(hll_add_agg(hll_hash_text(visitor_id))))::bigint AS visitors";
  }
  if (!q.percentiles.empty()) {
    std::string value = numeric(s, q.valueProperty);
    for (const auto& [name, fraction] : q.percentiles) {
      m += ", percentile_cont(" + std::to_string(fraction) + ") WITHIN GROUP (ORDER BY " + value +
           ") AS " + name;
    }
  }
  return m;
}

// from, to and interval, checked against the limits.
void parseRange(const json::Value& body, const QueryLimits& limits, int64_t& fromMs, int64_t& toMs,
                std::string& interval) {
  fromMs = instant(body, "from");
  toMs = instant(body, "to");
  if (toMs <= fromMs) throw HttpError(400, "to must be after from");
  if (toMs - fromMs > limits.maxRangeMs) {
    throw HttpError(400, "the range may span at most " +
                             std::to_string(limits.maxRangeMs / 86400000) + " days");
  }
  interval = text(required(body, "interval"), "interval");
  auto unit = kIntervals.find(interval);
  if (unit == kIntervals.end()) throw HttpError(400, "interval is minute, hour, day or week");
  if ((toMs - fromMs) / unit->second > limits.maxBuckets) {
    throw HttpError(400, "more than " + std::to_string(limits.maxBuckets) + " " + interval +
                             "s in the range: choose a longer interval");
  }
}

int64_t parseLimit(const json::Value& body) {
  const json::Value* l = body.find("limit");
  if (l == nullptr) return 10;
  if (!l->is_int() || l->as_int() < 1 || l->as_int() > 100) {
    throw HttpError(400, "limit is 1 to 100");
  }
  return l->as_int();
}

// A timestamptz column truncated to the interval, in UTC.
std::string truncated(const std::string& interval, const std::string& column) {
  return "date_trunc('" + interval + "', " + column + ", 'UTC')";
}

// The RFC 3339 text of a truncated column.
std::string bucketText(const std::string& interval, const std::string& column) {
  return "to_char(" + truncated(interval, column) +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

// The route figures' statement: rows grouped by `names` (picked as `columns`), their
// histograms added bucket by bucket, percentiles of the sums.
Statement routeFigures(const RoutesSpec& q, const std::string& columns, const std::string& names,
                       const std::string& tail) {
  Statement s{"", {std::to_string(q.fromMs), std::to_string(q.toMs)}};
  std::string filter;
  if (!q.route.empty()) filter += " AND route = " + param(s, q.route);
  if (!q.method.empty()) filter += " AND method = " + param(s, q.method);
  s.sql = "WITH picked AS (SELECT " + columns +
          ", requests, errors, sum_ms, bounds_ms, counts FROM analytics.route_stats WHERE "
          "bucket > to_timestamp($1::bigint / 1000.0) AND bucket <= to_timestamp($2::bigint / "
          "1000.0)" +
          filter + "), totals AS (SELECT " + names +
          ", sum(requests)::bigint AS requests, sum(errors)::bigint AS errors, sum(sum_ms) AS "
          "sum_ms, max(bounds_ms) AS bounds FROM picked GROUP BY " +
          names + "), added AS (SELECT " + names +
          ", array_agg(n ORDER BY i) AS counts FROM (SELECT " + names +
          ", c.i, sum(c.n) AS n FROM picked, unnest(counts) WITH ORDINALITY AS c(n, i) GROUP BY " +
          names + ", c.i) x GROUP BY " + names + ") SELECT " + names +
          ", requests, errors, round((sum_ms / requests)::numeric, 3)::float8 AS mean_ms, "
          "analytics.histogram_quantile(0.5, bounds, counts) AS p50_ms, "
          "analytics.histogram_quantile(0.95, bounds, counts) AS p95_ms, "
          "analytics.histogram_quantile(0.99, bounds, counts) AS p99_ms FROM totals JOIN added "
          "USING (" +
          names + ") " + tail;
  return s;
}

}  // namespace

RoutesSpec parseRoutesQuery(const json::Value& body, const QueryLimits& limits) {
  if (!body.is_object()) throw HttpError(400, "a query is a JSON object");
  RoutesSpec q;
  parseRange(body, limits, q.fromMs, q.toMs, q.interval);
  if (const json::Value* r = body.find("route"); r != nullptr) q.route = text(*r, "route");
  if (const json::Value* m = body.find("method"); m != nullptr) q.method = text(*m, "method");
  q.limit = parseLimit(body);
  return q;
}

Statement routesSeriesStatement(const RoutesSpec& q) {
  return routeFigures(q, bucketText(q.interval, "bucket") + " AS bucket", "bucket",
                      "ORDER BY bucket");
}

Statement slowestRoutesStatement(const RoutesSpec& q) {
  return routeFigures(
      q, "method, route", "method, route",
      "ORDER BY p95_ms DESC NULLS LAST, requests DESC LIMIT " + std::to_string(q.limit));
}

bool QuerySpec::fromRollups() const {
  return percentiles.empty() && filters.empty() && (groupBy.empty() || groupBy == kEventName) &&
         interval != "minute" && fromMs % 3600000 == 0 && toMs % 3600000 == 0;
}

QuerySpec parseQuery(const json::Value& body, const QueryLimits& limits) {
  if (!body.is_object()) throw HttpError(400, "a query is a JSON object");
  QuerySpec q;
  const json::Value& metrics = required(body, "metrics");
  if (!metrics.is_array() || metrics.as_array().empty()) {
    throw HttpError(400, "metrics must be a non-empty array");
  }
  for (const auto& m : metrics.as_array()) {
    std::string name = text(m, "a metric");
    if (name == "events") {
      q.events = true;
    } else if (name == "visitors") {
      q.visitors = true;
    } else if (auto p = kPercentiles.find(name); p != kPercentiles.end()) {
      q.percentiles.emplace_back(p->first, p->second);
    } else {
      throw HttpError(400, "unknown metric '" + name + "' (events, visitors, p50, p90, p95, p99)");
    }
  }
  if (!q.percentiles.empty()) {
    const json::Value* v = body.find("value_property");
    if (v == nullptr) throw HttpError(400, "percentiles need value_property");
    q.valueProperty = text(*v, "value_property");
  }

  parseRange(body, limits, q.fromMs, q.toMs, q.interval);

  if (const json::Value* e = body.find("events"); e != nullptr) {
    if (!e->is_array() || e->as_array().size() > 100) {
      throw HttpError(400, "events must be an array of at most 100 names");
    }
    for (const auto& name : e->as_array()) q.eventNames.push_back(text(name, "an event name"));
  }
  if (const json::Value* f = body.find("filters"); f != nullptr) {
    if (!f->is_array() || f->as_array().size() > 20) {
      throw HttpError(400, "filters must be an array of at most 20");
    }
    for (const auto& item : f->as_array()) {
      PropertyFilter filter;
      filter.property = text(required(item, "property"), "a filter's property");
      filter.op = text(required(item, "op"), "a filter's op");
      if (std::find(std::begin(kOps), std::end(kOps), filter.op) == std::end(kOps)) {
        throw HttpError(400, "a filter's op is eq, neq, contains, gt, lt, set or not_set");
      }
      if (filter.op != "set" && filter.op != "not_set") {
        const json::Value& value = required(item, "value");
        filter.value = value.is_string() ? value.as_string() : value.dump();
        if ((filter.op == "gt" || filter.op == "lt") && !value.is_number()) {
          throw HttpError(400, "gt and lt compare with a number");
        }
      }
      q.filters.push_back(std::move(filter));
    }
  }
  if (const json::Value* g = body.find("group_by"); g != nullptr) {
    q.groupBy = text(*g, "group_by");
    q.limit = parseLimit(body);
  }
  if (const json::Value* e = body.find("explain"); e != nullptr) {
    if (!e->is_bool()) throw HttpError(400, "explain is true or false");
    q.explain = e->as_bool();
  }
  return q;
}

Statement seriesStatement(const QuerySpec& q) {
  Statement s{"", {std::to_string(q.fromMs), std::to_string(q.toMs)}};
  // Grouped by the time itself, formatted once per bucket: cheaper than grouping by the text.
  auto bucketOf = [&](const std::string& column) { return bucketText(q.interval, column); };
  auto byTime = [&](const std::string& column) {
    std::string t = truncated(q.interval, column);
    return " GROUP BY " + t + " ORDER BY " + t;
  };
  if (q.fromRollups()) {
    std::string sql = "SELECT " + bucketOf("bucket") + " AS bucket";
    if (q.events) sql += ", sum(events)::bigint AS events";
    if (q.visitors) sql += kRollupVisitors;
    s.sql = sql + " FROM analytics.events_hourly" + inRange("bucket") + eventsIn(q, s) +
            byTime("bucket");
    return s;
  }
  std::string metrics = rawMetrics(q, s);
  std::string filter = where(q, s);
  s.sql = "SELECT " + bucketOf("ts") + " AS bucket" + metrics + " FROM analytics.events" + filter +
          byTime("ts");
  return s;
}

Statement groupsStatement(const QuerySpec& q) {
  Statement s{"", {std::to_string(q.fromMs), std::to_string(q.toMs)}};
  const std::string limit = " LIMIT " + std::to_string(q.limit);
  if (q.fromRollups()) {
    s.sql = "SELECT event AS value, sum(events)::bigint AS events";
    if (q.visitors) s.sql += kRollupVisitors;
    s.sql += " FROM analytics.events_hourly" + inRange("bucket") + eventsIn(q, s) +
             " GROUP BY 1 ORDER BY sum(events) DESC, 1" + limit;
    return s;
  }
  std::string value =
      q.groupBy == kEventName ? "event" : "coalesce(properties->>" + param(s, q.groupBy) + ", '')";
  std::string metrics = rawMetrics(q, s);
  std::string filter = where(q, s);
  s.sql = "SELECT " + value + " AS value" + metrics + " FROM analytics.events" + filter +
          " GROUP BY 1 ORDER BY count(*) DESC, 1" + limit;
  return s;
}

}  // namespace analytics_plugin
