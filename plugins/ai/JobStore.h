/* SPDX-License-Identifier: Apache-2.0 */
// Background generations in PostgreSQL (ai.jobs) and what each used (ai.usage). A job moves
// queued -> running -> succeeded | failed, or to canceled by its owner; every move out of
// running is guarded by the row's status, so whichever of the job's run, Replicate's webhook or
// the owner's cancel comes first decides, once, and the usage row written with the end is
// keyed by the job: a job run twice (its host killed mid-run) is charged once.
#pragma once

#include <optional>
#include <string>

#include "Registry.h"
#include "StreamedReply.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

struct JobStart {
  std::string owner;
  std::string model;
  portico::json::Value request;
  std::string predictionId;  // set when a run before this one created it
};

struct JobEnd {
  std::string status;  // succeeded or failed
  portico::json::Value output;
  std::string error;
  const Model* answeredBy = nullptr;
  Usage usage;
  double cost = 0;

  static JobEnd failure(std::string why) {
    JobEnd end;
    end.status = "failed";
    end.error = std::move(why);
    return end;
  }
};

class JobStore {
 public:
  // The new job's id; or the id of the owner's job made with the same idempotency key (then
  // *existing is true; 422 when that job was asked something else).
  static std::string create(portico::Db& db, const std::string& owner, const std::string& model,
                            const portico::json::Value& request,
                            const std::optional<std::string>& idempotencyKey, bool* existing);
  static void remove(portico::Db& db, const std::string& id);
  // The job as its owner sees it; nullopt when there is none or it is someone else's.
  static std::optional<portico::json::Value> find(portico::Db& db, const std::string& id,
                                                  const std::string& owner);
  // The owner's jobs, newest first, `limit` of them created before the job `before` if given.
  static portico::json::Value list(portico::Db& db, const std::string& owner, int64_t limit,
                                   const std::optional<std::string>& before);
  // Cancels a queued or running job; false when it had already ended (the caller tells why).
  static bool cancel(portico::Db& db, const std::string& id, const std::string& owner);
  // Marks the job running (again, after a crash); nullopt when it has ended or was cancelled.
  static std::optional<JobStart> start(portico::Db& db, const std::string& id);
  static void setPrediction(portico::Db& db, const std::string& id, const std::string& prediction);
  // The job waiting for a Replicate prediction, and its model: {id, model}.
  static std::optional<std::pair<std::string, std::string>> jobOfPrediction(
      portico::Db& db, const std::string& prediction);
  static std::string statusOf(portico::Db& db, const std::string& id);
  // Ends a running job and charges its usage to the owner, in one transaction; the owner when
  // this call ended it, nullopt when something else did first.
  static std::optional<std::string> finish(portico::Db& db, const std::string& id,
                                           const JobEnd& end);
  // One synchronous reply's usage.
  static void recordUsage(portico::Db& db, const std::string& subject, const std::string& model,
                          const Usage& usage, double cost, bool cached);
};

}  // namespace ai_plugin
