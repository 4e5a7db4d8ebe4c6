// SPDX-License-Identifier: Apache-2.0
#include "JobStore.h"

namespace ai_plugin {

namespace json = portico::json;
using portico::HttpError;
using portico::Param;

namespace {

constexpr const char* kJobColumns =
    "id::text AS id, status, model, answered_by, output::text AS output, error, "
    "usage::text AS usage, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS created_at, "
    "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS started_at, "
    "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS finished_at";

json::Value text(const portico::DbValue& v) {
  return v.is_null() ? json::Value(nullptr) : json::Value(v.as_text());
}
json::Value document(const portico::DbValue& v) {
  return v.is_null() ? json::Value(nullptr) : json::parse(v.as_text());
}

json::Value jobView(const portico::Rows& rows, size_t i) {
  return json::object({{"id", rows.at(i, "id").as_text()},
                       {"status", rows.at(i, "status").as_text()},
                       {"model", rows.at(i, "model").as_text()},
                       {"answered_by", text(rows.at(i, "answered_by"))},
                       {"output", document(rows.at(i, "output"))},
                       {"error", text(rows.at(i, "error"))},
                       {"usage", document(rows.at(i, "usage"))},
                       {"created_at", text(rows.at(i, "created_at"))},
                       {"started_at", text(rows.at(i, "started_at"))},
                       {"finished_at", text(rows.at(i, "finished_at"))}});
}

}  // namespace

std::string JobStore::create(portico::Db& db, const std::string& owner, const std::string& model,
                             const json::Value& request,
                             const std::optional<std::string>& idempotencyKey, bool* existing) {
  Param key = idempotencyKey ? Param(*idempotencyKey) : Param(nullptr);
  auto made = db.query(
      "INSERT INTO ai.jobs (owner, idempotency_key, model, request) VALUES ($1, $2, $3, $4::jsonb) "
      "ON CONFLICT (owner, idempotency_key) DO NOTHING RETURNING id::text",
      {owner, key, model, request.dump()});
  *existing = made.size() == 0;
  if (!*existing) return std::string(made.at(0, 0).as_text());
  auto old = db.query(
      "SELECT id::text, request = $3::jsonb AS same FROM ai.jobs "
      "WHERE owner = $1 AND idempotency_key = $2",
      {owner, key, request.dump()});
  if (old.size() == 0) throw HttpError(409, "a job with this Idempotency-Key is being made");
  if (!old.at(0, 1).as_bool()) {
    throw HttpError(422, "this Idempotency-Key was used for a different request");
  }
  return std::string(old.at(0, 0).as_text());
}

void JobStore::remove(portico::Db& db, const std::string& id) {
  db.execute("DELETE FROM ai.jobs WHERE id = $1::uuid", {id});
}

std::optional<json::Value> JobStore::find(portico::Db& db, const std::string& id,
                                          const std::string& owner) {
  auto rows = db.query(
      std::string("SELECT ") + kJobColumns + " FROM ai.jobs WHERE id = $1::uuid AND owner = $2",
      {id, owner});
  if (rows.size() == 0) return std::nullopt;
  return jobView(rows, 0);
}

json::Value JobStore::list(portico::Db& db, const std::string& owner, int64_t limit,
                           const std::optional<std::string>& before) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM ai.jobs WHERE owner = $1";
  std::vector<Param> params{owner};
  if (before) {
    sql +=
        " AND (created_at, id) < (SELECT created_at, id FROM ai.jobs WHERE id = $3::uuid "
        "AND owner = $1)";
  }
  sql += " ORDER BY created_at DESC, id DESC LIMIT $2";
  params.emplace_back(limit + 1);
  if (before) params.emplace_back(*before);
  auto rows = db.query(sql, params);
  json::Array jobs;
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
    jobs.push_back(jobView(rows, i));
  }
  json::Value next = nullptr;
  if (static_cast<int64_t>(rows.size()) > limit) next = jobs.back().at("id");
  return json::object({{"jobs", json::Value(std::move(jobs))}, {"next_before", next}});
}

bool JobStore::cancel(portico::Db& db, const std::string& id, const std::string& owner) {
  return db.execute(
             "UPDATE ai.jobs SET status = 'canceled', finished_at = now() "
             "WHERE id = $1::uuid AND owner = $2 AND status IN ('queued', 'running')",
             {id, owner}) == 1;
}

std::optional<JobStart> JobStore::start(portico::Db& db, const std::string& id) {
  auto rows = db.query(
      "UPDATE ai.jobs SET status = 'running', started_at = coalesce(started_at, now()), "
      "attempts = attempts + 1 WHERE id = $1::uuid AND status IN ('queued', 'running') "
      "RETURNING owner, model, request::text, prediction_id",
      {id});
  if (rows.size() == 0) return std::nullopt;
  JobStart s;
  s.owner = std::string(rows.at(0, 0).as_text());
  s.model = std::string(rows.at(0, 1).as_text());
  s.request = json::parse(rows.at(0, 2).as_text());
  if (!rows.at(0, 3).is_null()) s.predictionId = std::string(rows.at(0, 3).as_text());
  return s;
}

void JobStore::setPrediction(portico::Db& db, const std::string& id,
                             const std::string& prediction) {
  db.execute("UPDATE ai.jobs SET prediction_id = $2 WHERE id = $1::uuid", {id, prediction});
}

std::optional<std::pair<std::string, std::string>> JobStore::jobOfPrediction(
    portico::Db& db, const std::string& prediction) {
  auto rows =
      db.query("SELECT id::text, model FROM ai.jobs WHERE prediction_id = $1", {prediction});
  if (rows.size() == 0) return std::nullopt;
  return std::make_pair(std::string(rows.at(0, 0).as_text()), std::string(rows.at(0, 1).as_text()));
}

std::string JobStore::statusOf(portico::Db& db, const std::string& id) {
  auto rows = db.query("SELECT status FROM ai.jobs WHERE id = $1::uuid", {id});
  return rows.size() == 0 ? "" : std::string(rows.at(0, 0).as_text());
}

std::optional<std::string> JobStore::finish(portico::Db& db, const std::string& id,
                                            const JobEnd& end) {
  json::Value usage = json::object({{"input_tokens", end.usage.inputTokens},
                                    {"output_tokens", end.usage.outputTokens},
                                    {"estimated", end.usage.estimated},
                                    {"cost", end.cost}});
  auto tx = db.begin();
  auto rows = db.query(
      "UPDATE ai.jobs SET status = $2, output = $3::jsonb, error = $4, usage = $5::jsonb, "
      "answered_by = $6, finished_at = now() WHERE id = $1::uuid AND status = 'running' "
      "RETURNING owner",
      {id, end.status, end.output.is_null() ? Param(nullptr) : Param(end.output.dump()),
       end.error.empty() ? Param(nullptr) : Param(end.error),
       end.answeredBy ? Param(usage.dump()) : Param(nullptr),
       end.answeredBy ? Param(end.answeredBy->alias) : Param(nullptr)});
  if (rows.size() == 0) return std::nullopt;
  std::string owner(rows.at(0, 0).as_text());
  if (end.answeredBy != nullptr) {
    db.execute(
        "INSERT INTO ai.usage (subject, model, job_id, input_tokens, output_tokens, cost, "
        "estimated) VALUES ($1, $2, $3::uuid, $4, $5, $6, $7) ON CONFLICT (job_id) DO NOTHING",
        {owner, end.answeredBy->alias, id, end.usage.inputTokens, end.usage.outputTokens, end.cost,
         end.usage.estimated});
  }
  tx.commit();
  return owner;
}

void JobStore::recordUsage(portico::Db& db, const std::string& subject, const std::string& model,
                           const Usage& usage, double cost, bool cached) {
  db.execute(
      "INSERT INTO ai.usage (subject, model, input_tokens, output_tokens, cost, cached, "
      "estimated) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {subject, model, usage.inputTokens, usage.outputTokens, cost, cached, usage.estimated});
}

}  // namespace ai_plugin
