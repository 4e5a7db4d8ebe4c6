// SPDX-License-Identifier: Apache-2.0
#include "EventWriter.h"

#include <algorithm>

namespace analytics_plugin {

namespace json = portico::json;

namespace {

constexpr size_t kMaxUserAgentBytes = 512;

// One statement per batch: rows in, duplicates (same uuid and time) dropped, the visitor id
// hashed with today's salt (the address never reaches a table), hourly rollups updated in key
// order (two writers then never wait on each other in opposite orders).
constexpr const char* kFlushSql = R"SQL(
WITH incoming AS (
  SELECT r.uuid, to_timestamp(r.ts / 1000.0) AS ts,
         r.event, r.distinct_id, r.user_id, r.properties, r.user_agent,
         CASE WHEN r.user_id IS NOT NULL THEN 'u:' || r.user_id::text
              ELSE encode(sha256(convert_to(s.salt || '|' || r.ip || '|' || r.user_agent, 'UTF8')), 'hex')
         END AS visitor_id
    FROM jsonb_to_recordset($1::jsonb) AS r(uuid uuid, ts bigint, event text, distinct_id text,
                                            user_id uuid, ip text, user_agent text, properties jsonb)
    CROSS JOIN (SELECT salt FROM analytics.salts WHERE day = (now() AT TIME ZONE 'UTC')::date) s
), fresh AS (
  INSERT INTO analytics.events (ts, uuid, event, distinct_id, user_id, visitor_id, properties, user_agent)
  SELECT ts, uuid, event, distinct_id, user_id, visitor_id, properties, user_agent FROM incoming
  ON CONFLICT (uuid, ts) DO NOTHING
  RETURNING ts, event, visitor_id
), hourly AS (
  INSERT INTO analytics.events_hourly (bucket, event, events, visitors)
  SELECT date_trunc('hour', ts, 'UTC'), event, count(*), hll_add_agg(hll_hash_text(visitor_id))
    FROM fresh GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (bucket, event) DO UPDATE
    SET events = analytics.events_hourly.events + excluded.events,
        visitors = hll_union(analytics.events_hourly.visitors, excluded.visitors)
  RETURNING 1
)
SELECT (SELECT count(*) FROM fresh) AS stored
)SQL";

constexpr const char* kSaltSql =
    "INSERT INTO analytics.salts VALUES ((now() AT TIME ZONE 'UTC')::date, "
    "gen_random_uuid()::text) ON CONFLICT DO NOTHING";

constexpr const char* kBotHitsSql =
    "INSERT INTO analytics.bot_hits VALUES ((now() AT TIME ZONE 'UTC')::date, $1) "
    "ON CONFLICT (day) DO UPDATE SET hits = analytics.bot_hits.hits + excluded.hits";

}  // namespace

std::string rowsJson(const std::vector<const Row*>& rows) {
  std::string out = "[";
  for (const Row* row : rows) {
    const ValidEvent& e = row->event;
    if (out.size() > 1) out += ',';
    out += "{\"uuid\":\"" + (e.uuid.empty() ? newUuidV7(e.tsMs) : e.uuid) + "\"";
    out += ",\"ts\":" + std::to_string(e.tsMs);
    out += ",\"event\":" + json::Value(e.event).dump();
    out += ",\"distinct_id\":" + json::Value(e.distinctId).dump();
    out += ",\"user_id\":";
    out += row->userId.empty() ? "null" : json::Value(row->userId).dump();
    out += ",\"ip\":" + json::Value(row->clientIp).dump();
    out += ",\"user_agent\":" + json::Value(row->userAgent.substr(0, kMaxUserAgentBytes)).dump();
    out += ",\"properties\":" + e.properties + "}";
  }
  return out + "]";
}

EventWriter::EventWriter(const portico::Host& host, Options options)
    : host_(host), options_(options) {
  for (int i = 0; i < options_.writers; ++i) writers_.emplace_back([this] { writerMain(); });
}

EventWriter::~EventWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : writers_) t.join();
}

void EventWriter::write(std::vector<Row> rows, int64_t botHits) {
  auto pending = std::make_shared<Pending>();
  size_t n = rows.size();
  pending->rows = std::move(rows);
  pending->botHits = botHits;
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_ || queuedRows_ + n > options_.maxQueuedRows) {
    throw portico::HttpError(503, "analytics is behind on writing events; retry shortly",
                             {{"Retry-After", "1"}});
  }
  queue_.push_back(pending);
  queuedRows_ += n;
  queued_.notify_one();
  committed_.wait(lock, [&] { return pending->done; });
  if (!pending->error.empty()) {
    // The reason is in the log; the client learns only that a retry is safe.
    throw portico::HttpError(503, "events could not be stored; retry", {{"Retry-After", "1"}});
  }
}

void EventWriter::writerMain() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything is written
    std::vector<std::shared_ptr<Pending>> batch;
    size_t rows = 0;
    while (!queue_.empty() &&
           (batch.empty() || rows + queue_.front()->rows.size() <= options_.maxBatchRows)) {
      rows += queue_.front()->rows.size();
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    queuedRows_ -= rows;
    lock.unlock();
    std::string error;
    try {
      flush(batch);
    } catch (const std::exception& e) {
      error = e.what();
      host_.error("analytics: a batch of " + std::to_string(rows) +
                  " events was not stored: " + error);
    }
    lock.lock();
    for (auto& p : batch) {
      p->done = true;
      p->error = error;
    }
    committed_.notify_all();
  }
}

void EventWriter::flush(const std::vector<std::shared_ptr<Pending>>& batch) {
  std::vector<const Row*> rows;
  int64_t botHits = 0;
  for (const auto& p : batch) {
    for (const Row& r : p->rows) rows.push_back(&r);
    botHits += p->botHits;
  }
  portico::Db db(host_);
  auto tx = db.begin();
  if (!rows.empty()) {
    db.execute(kSaltSql);
    db.query(kFlushSql, {portico::Jsonb{rowsJson(rows)}});
  }
  if (botHits > 0) db.execute(kBotHitsSql, {botHits});
  tx.commit();
}

}  // namespace analytics_plugin
