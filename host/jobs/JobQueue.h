/* SPDX-License-Identifier: Apache-2.0 */
// The job queue on Redis Streams.
//
//   portico:jobs:<queue>        stream of job ids, consumer group "portico" (one per queue)
//   portico:job:<id>            hash: queue, payload, state, attempts, max_attempts, backoff_ms,
//                               last_error (expires a day after the job ends)
//   portico:jobs:delayed        sorted set "<queue>|<id>" by due time (delays and retries)
//   portico:jobs:dead:<queue>   stream of jobs that failed max_attempts times
//
// Workers (each with its own connection: blocking reads must not share one) read with
// XREADGROUP, run the job, and acknowledge it. A job whose worker died stays pending in the group;
// after the visibility timeout the scheduler claims it (XAUTOCLAIM) and queues it again: at least
// once. Several hosts share the same groups, so each job goes to one of them.
//
// Redis may come back without its data (restart without persistence, failover to an empty
// replica, FLUSHALL): the groups are then gone and reads fail with NOGROUP. The queue forgets
// which groups it made, makes them again and goes on; jobs enqueued from then on run. Jobs that
// were only in the lost data are lost: see the README on Redis persistence.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "portico/plugin.h"
#include "resources/Resources.h"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}

namespace portico::jobs {

struct JobQueueOptions {
  // jobs.*; defaults in conf/porticod.properties.
  int workers = 0;
  int maxAttempts = 0;
  int backoffMs = 0;
  int visibilityTimeoutMs = 0;  // a job running longer than this is presumed orphaned
  // Not settings: how the queue works.
  int blockMs = 1000;      // XREADGROUP BLOCK; also how quickly stop() is noticed
  int retentionS = 86400;  // job records expire this long after they end

  static JobQueueOptions fromConfig(const config::Config& cfg);
};

enum class Outcome { Done, Failed, NoHandler };

class JobQueue {
 public:
  // Runs one job on whatever plugin handles `queue`; fills *error on failure. `traceparent` is
  // the enqueuer's (empty when it had none).
  using Runner = std::function<Outcome(const std::string& queue, const std::string& id,
                                       const std::string& payload, int attempt,
                                       const std::string& traceparent, std::string* error)>;
  // The queues that have a handler on this host now.
  using Queues = std::function<std::vector<std::string>()>;

  JobQueue(resources::RedisUrl url, resources::RedisPool& pool, JobQueueOptions options,
           Queues queues, Runner runner, metrics::Metrics& metrics);
  ~JobQueue();

  void start();
  // Stops taking jobs; jobs running now finish first.
  void stop();

  // Returns the new job's id. Throws resources::PoolUnavailable without Redis.
  std::string enqueue(const std::string& queue, const std::string& payload, int delayMs,
                      int maxAttempts, int backoffMs, const std::string& traceparent = {});
  // State and attempts of a job (PORTICO_JOB_UNKNOWN when there is no record).
  std::pair<portico_job_state, int> status(const std::string& id);

  // "jobs" is up while workers read from Redis: the last successful read is recent.
  resources::Probe health() const;

 private:
  void work(int index);
  void schedule();
  void ensureGroups(resources::RedisConnection& conn, const std::vector<std::string>& queues);
  // After NOGROUP: the groups we made are gone with Redis's data; make them again.
  void forgetGroups();
  // Each Redis round's outcome for the workers or the scheduler (`failing` is theirs): a change
  // between working and failing is logged once, not per retry.
  void succeeded(std::atomic<bool>& failing, const std::string& who);
  void failed(std::atomic<bool>& failing, const std::string& who, const std::string& why);
  void runOne(resources::RedisConnection& conn, const std::string& queue, const std::string& entry,
              const std::string& id);

  resources::RedisUrl url_;
  resources::RedisPool& pool_;
  JobQueueOptions options_;
  Queues queues_;
  Runner runner_;
  metrics::Metrics& metrics_;
  std::string hostId_;

  std::atomic<bool> stopping_{false};
  std::mutex groupsMutex_;
  std::set<std::string> groups_;  // streams known to have the consumer group
  int64_t groupsLostLoggedMs_ = 0;
  std::atomic<int64_t> lastReadMs_{0};  // a worker's last successful read
  std::atomic<bool> workersFailing_{false};
  std::atomic<bool> schedulerFailing_{false};
  mutable std::mutex errorMutex_;
  std::string lastError_;
  std::vector<std::thread> threads_;
};

}  // namespace portico::jobs
