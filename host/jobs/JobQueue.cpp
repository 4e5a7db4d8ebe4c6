// SPDX-License-Identifier: Apache-2.0
#include "jobs/JobQueue.h"

#include <Poco/Redis/Array.h>
#include <Poco/UUIDGenerator.h>

#include <chrono>
#include <cmath>

#include "common/UnixTime.h"
#include "config/Config.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "resources/redis/RedisReply.h"

namespace portico::jobs {

JobQueueOptions JobQueueOptions::fromConfig(const config::Config& cfg) {
  JobQueueOptions o;
  o.workers = static_cast<int>(cfg.getInt("jobs.workers", 0, 1024));
  o.maxAttempts = static_cast<int>(cfg.getInt("jobs.max_attempts", 1, 1000));
  o.backoffMs = static_cast<int>(cfg.getInt("jobs.backoff_ms", 0, 86400000));
  o.visibilityTimeoutMs = static_cast<int>(cfg.getInt("jobs.visibility_timeout_ms", 100, 86400000));
  return o;
}
namespace {

using Poco::Redis::RedisType;
using resources::RedisConnection;
using resources::replyElements;
using resources::replyText;
using resources::throwIfError;

const char* const kGroup = "portico";
const char* const kDelayed = "portico:jobs:delayed";

// Moves due jobs from the delayed set to their streams, atomically: a job is never both (or
// neither) when a host dies half-way.
const char* const kPromoteScript = R"(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, member in ipairs(due) do
  redis.call('ZREM', KEYS[1], member)
  local sep = string.find(member, '|', 1, true)
  local queue = string.sub(member, 1, sep - 1)
  local id = string.sub(member, sep + 1)
  redis.call('HSET', 'portico:job:' .. id, 'state', 'queued')
  redis.call('XADD', 'portico:jobs:' .. queue, '*', 'id', id)
end
return #due
)";

std::string streamOf(const std::string& queue) {
  return "portico:jobs:" + queue;
}
std::string recordOf(const std::string& id) {
  return "portico:job:" + id;
}

// MULTI ... EXEC around commands, so a requeue or an acknowledgement happens whole or not at all.
void atomically(RedisConnection& conn, std::vector<std::vector<std::string>> commands) {
  commands.insert(commands.begin(), {"MULTI"});
  commands.push_back({"EXEC"});
  for (const auto& reply : conn.pipeline(commands)) throwIfError(reply, "job transaction");
}

// The stream or its group vanished: NOGROUP, or UNBLOCKED for a read that was blocked on a key
// that was deleted.
bool isGroupGone(const RedisType::Ptr& reply) {
  if (reply.isNull() || !reply->isError()) return false;
  std::string text = reply->toString();
  return text.find("NOGROUP") != std::string::npos || text.find("UNBLOCKED") != std::string::npos;
}

// Sleeps up to ms, returning early once `stopping` is set.
void pause(const std::atomic<bool>& stopping, int ms) {
  for (int waited = 0; waited < ms && !stopping; waited += 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

JobQueue::JobQueue(resources::RedisUrl url, resources::RedisPool& pool, JobQueueOptions options,
                   Queues queues, Runner runner, metrics::Metrics& metrics)
    : url_(std::move(url)),
      pool_(pool),
      options_(options),
      queues_(std::move(queues)),
      runner_(std::move(runner)),
      metrics_(metrics),
      hostId_(Poco::UUIDGenerator::defaultGenerator().createRandom().toString()) {}

JobQueue::~JobQueue() {
  stop();
}

void JobQueue::start() {
  lastReadMs_ = common::unixMs();  // a grace period for the first read
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { work(i); });
  threads_.emplace_back([this] { schedule(); });
}

void JobQueue::stop() {
  stopping_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::string JobQueue::enqueue(const std::string& queue, const std::string& payload, int delayMs,
                              int maxAttempts, int backoffMs, const std::string& traceparent) {
  std::string id = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  std::vector<std::vector<std::string>> commands = {
      {"HSET", recordOf(id), "queue", queue, "payload", payload, "state", "queued", "attempts", "0",
       "max_attempts", std::to_string(maxAttempts > 0 ? maxAttempts : options_.maxAttempts),
       "backoff_ms", std::to_string(backoffMs > 0 ? backoffMs : options_.backoffMs), "traceparent",
       traceparent}};
  if (delayMs > 0) {
    commands.push_back(
        {"ZADD", kDelayed, std::to_string(common::unixMs() + delayMs), queue + "|" + id});
  } else {
    commands.push_back({"XADD", streamOf(queue), "*", "id", id});
  }
  pool_.withConnection([&commands](RedisConnection& c) { atomically(c, commands); });
  metrics_.countJob(queue, "enqueued");
  return id;
}

std::pair<portico_job_state, int> JobQueue::status(const std::string& id) {
  RedisType::Ptr reply = pool_.withConnection([&id](RedisConnection& c) {
    return c.command({"HMGET", recordOf(id), "state", "attempts"});
  });
  auto fields = replyElements(reply);
  if (fields.size() != 2) return {PORTICO_JOB_UNKNOWN, 0};
  std::string state = replyText(fields[0]);
  int attempts = std::atoi(replyText(fields[1]).c_str());
  if (state == "queued") return {PORTICO_JOB_QUEUED, attempts};
  if (state == "running") return {PORTICO_JOB_RUNNING, attempts};
  if (state == "retrying") return {PORTICO_JOB_RETRYING, attempts};
  if (state == "done") return {PORTICO_JOB_DONE, attempts};
  if (state == "dead") return {PORTICO_JOB_DEAD, attempts};
  return {PORTICO_JOB_UNKNOWN, 0};
}

void JobQueue::ensureGroups(RedisConnection& conn, const std::vector<std::string>& queues) {
  std::lock_guard<std::mutex> lock(groupsMutex_);
  for (const auto& q : queues) {
    if (groups_.count(q)) continue;
    // From the start of the stream: jobs enqueued before any handler existed still run.
    auto reply = conn.command({"XGROUP", "CREATE", streamOf(q), kGroup, "0", "MKSTREAM"});
    if (!reply.isNull() && reply->isError() &&
        reply->toString().find("BUSYGROUP") == std::string::npos) {
      throwIfError(reply, "XGROUP CREATE");
    }
    groups_.insert(q);
  }
}

void JobQueue::forgetGroups() {
  std::lock_guard<std::mutex> lock(groupsMutex_);
  // Every worker meets the loss at once: one line for all of them.
  int64_t now = common::unixMs();
  if (!groups_.empty() && now - groupsLostLoggedMs_ > 5000) {
    groupsLostLoggedMs_ = now;
    log::get("jobs")->warn(
        "the job queues' consumer groups are gone (Redis lost its data?); making them again");
  }
  groups_.clear();
}

void JobQueue::succeeded(std::atomic<bool>& failing, const std::string& who) {
  if (failing.exchange(false)) log::get("jobs")->info("{}: reading from Redis again", who);
}

void JobQueue::failed(std::atomic<bool>& failing, const std::string& who, const std::string& why) {
  {
    std::lock_guard<std::mutex> lock(errorMutex_);
    lastError_ = why;
  }
  if (!failing.exchange(true)) {
    log::get("jobs")->warn("{}: cannot read from Redis ({}); retrying until it can", who, why);
  } else {
    log::get("jobs")->debug("{}: still cannot read from Redis ({})", who, why);
  }
}

resources::Probe JobQueue::health() const {
  resources::Probe p;
  p.name = "jobs";
  int64_t since = common::unixMs() - lastReadMs_.load();
  // A working worker returns from its blocking read at least every blockMs.
  // Without workers this host only enqueues: nothing here can fall behind.
  p.ok = options_.workers == 0 || (!workersFailing_.load() && since < 2 * options_.blockMs + 2000);
  if (!p.ok) {
    std::lock_guard<std::mutex> lock(errorMutex_);
    p.error = lastError_.empty()
                  ? "no worker has read from Redis for " + std::to_string(since) + " ms"
                  : lastError_;
  }
  return p;
}

void JobQueue::work(int index) {
  std::string consumer = hostId_ + "-" + std::to_string(index);
  int backoffMs = 100;
  while (!stopping_) {
    try {
      // Its own connection, with a read timeout longer than BLOCK (a shorter one drops it).
      RedisConnection conn(url_, 2000, options_.blockMs + 5000);
      backoffMs = 100;
      while (!stopping_) {
        std::vector<std::string> queues = queues_();
        if (queues.empty()) {
          lastReadMs_ = common::unixMs();  // nothing to read is not a failure
          pause(stopping_, options_.blockMs);
          continue;
        }
        ensureGroups(conn, queues);
        std::vector<std::string> argv = {
            "XREADGROUP", "GROUP", kGroup,  consumer,
            "COUNT",      "16",    "BLOCK", std::to_string(options_.blockMs),
            "STREAMS"};
        for (const auto& q : queues) argv.push_back(streamOf(q));
        argv.insert(argv.end(), queues.size(), ">");
        auto reply = conn.command(argv);
        if (isGroupGone(reply)) {
          forgetGroups();
          continue;
        }
        throwIfError(reply, "XREADGROUP");
        lastReadMs_ = common::unixMs();
        succeeded(workersFailing_, "the job workers");
        for (const auto& stream : replyElements(reply)) {
          auto parts = replyElements(stream);
          if (parts.size() != 2) continue;
          std::string queue =
              replyText(parts[0]).substr(std::char_traits<char>::length("portico:jobs:"));
          for (const auto& entry : replyElements(parts[1])) {
            auto entryParts = replyElements(entry);
            if (entryParts.size() != 2) continue;
            auto fields = replyElements(entryParts[1]);
            if (fields.size() < 2) continue;
            runOne(conn, queue, replyText(entryParts[0]), replyText(fields[1]));
          }
        }
      }
    } catch (const std::exception& e) {
      if (stopping_) break;
      failed(workersFailing_, "the job workers", e.what());
      pause(stopping_, backoffMs);
      // At most a second between tries: jobs run again soon after Redis is back.
      backoffMs = std::min(backoffMs * 2, 1000);
    }
  }
}

void JobQueue::runOne(RedisConnection& conn, const std::string& queue, const std::string& entry,
                      const std::string& id) {
  const std::string record = recordOf(id);
  const std::string stream = streamOf(queue);
  auto replies =
      conn.pipeline({{"HINCRBY", record, "attempts", "1"},
                     {"HSET", record, "state", "running"},
                     {"HMGET", record, "payload", "max_attempts", "backoff_ms", "traceparent"}});
  auto fields = replyElements(replies.at(2));
  if (fields.size() != 4 || fields[0].isNull() || replyText(fields[0]).empty()) {
    // No record (expired or never written): nothing to run, drop the entry.
    atomically(conn, {{"XACK", stream, kGroup, entry}, {"XDEL", stream, entry}, {"DEL", record}});
    return;
  }
  int attempt = std::atoi(replyText(replies[0]).c_str());
  int maxAttempts = std::max(1, std::atoi(replyText(fields[1]).c_str()));
  int backoffMs = std::max(0, std::atoi(replyText(fields[2]).c_str()));

  std::string error;
  auto started = std::chrono::steady_clock::now();
  std::string traceparent = fields[3].isNull() ? std::string() : replyText(fields[3]);
  Outcome outcome = runner_(queue, id, replyText(fields[0]), attempt, traceparent, &error);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string retention = std::to_string(options_.retentionS);
  switch (outcome) {
    case Outcome::NoHandler:
      // Swapped out between read and run: leave it pending, the scheduler claims it again.
      conn.pipeline({{"HINCRBY", record, "attempts", "-1"}, {"HSET", record, "state", "queued"}});
      return;
    case Outcome::Done:
      atomically(conn, {{"HSET", record, "state", "done"},
                        {"EXPIRE", record, retention},
                        {"XACK", stream, kGroup, entry},
                        {"XDEL", stream, entry}});
      metrics_.countJob(queue, "done");
      metrics_.observeJob(queue, "done", seconds);
      return;
    case Outcome::Failed:
      if (attempt >= maxAttempts) {
        atomically(conn, {{"HSET", record, "state", "dead", "last_error", error},
                          {"EXPIRE", record, retention},
                          {"XADD", "portico:jobs:dead:" + queue, "*", "id", id, "error", error},
                          {"XACK", stream, kGroup, entry},
                          {"XDEL", stream, entry}});
        metrics_.countJob(queue, "dead");
        log::get("jobs")->warn("job {} on {} is dead after {} attempts: {}", id, queue, attempt,
                               error);
      } else {
        double delay = backoffMs * std::pow(2.0, attempt - 1);
        atomically(conn, {{"HSET", record, "state", "retrying", "last_error", error},
                          {"ZADD", kDelayed,
                           std::to_string(common::unixMs() + static_cast<int64_t>(delay)),
                           queue + "|" + id},
                          {"XACK", stream, kGroup, entry},
                          {"XDEL", stream, entry}});
        metrics_.countJob(queue, "failed");
      }
      metrics_.observeJob(queue, "failed", seconds);
      return;
  }
}

void JobQueue::schedule() {
  auto logger = log::get("jobs");
  std::string consumer = hostId_ + "-scheduler";
  auto lastClaim = std::chrono::steady_clock::now();
  while (!stopping_) {
    try {
      RedisConnection conn(url_, 2000, 5000);
      while (!stopping_) {
        throwIfError(
            conn.command({"EVAL", kPromoteScript, "1", kDelayed, std::to_string(common::unixMs())}),
            "promote delayed jobs");
        succeeded(schedulerFailing_, "the job scheduler");
        auto now = std::chrono::steady_clock::now();
        if (now - lastClaim > std::chrono::milliseconds(options_.visibilityTimeoutMs / 4)) {
          lastClaim = now;
          std::vector<std::string> queues = queues_();
          ensureGroups(conn, queues);
          for (const auto& q : queues) {
            auto reply =
                conn.command({"XAUTOCLAIM", streamOf(q), kGroup, consumer,
                              std::to_string(options_.visibilityTimeoutMs), "0-0", "COUNT", "500"});
            if (isGroupGone(reply)) {
              forgetGroups();
              break;
            }
            throwIfError(reply, "XAUTOCLAIM");
            auto parts = replyElements(reply);
            if (parts.size() < 2) continue;
            for (const auto& entry : replyElements(parts[1])) {
              auto entryParts = replyElements(entry);
              if (entryParts.size() != 2) continue;
              auto fields = replyElements(entryParts[1]);
              std::string entryId = replyText(entryParts[0]);
              if (fields.size() < 2) {
                atomically(
                    conn, {{"XACK", streamOf(q), kGroup, entryId}, {"XDEL", streamOf(q), entryId}});
                continue;
              }
              std::string id = replyText(fields[1]);
              atomically(conn, {{"HSET", recordOf(id), "state", "queued"},
                                {"XADD", streamOf(q), "*", "id", id},
                                {"XACK", streamOf(q), kGroup, entryId},
                                {"XDEL", streamOf(q), entryId}});
              logger->info("job {} on {} was orphaned; queued again", id, q);
            }
          }
        }
        pause(stopping_, 100);
      }
    } catch (const std::exception& e) {
      if (stopping_) break;
      failed(schedulerFailing_, "the job scheduler", e.what());
      pause(stopping_, 500);
    }
  }
}

}  // namespace portico::jobs
