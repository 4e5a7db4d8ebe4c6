/* SPDX-License-Identifier: Apache-2.0 */
// Writes events in batches with group commit: a request hands its events over and waits until
// the transaction holding them has committed, while one writer's flush takes everything that
// queued up during the last. So 202 means stored (a SIGKILL of porticod loses no answered
// event), and under load each round trip to PostgreSQL carries thousands of events.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "EventInput.h"
#include "portico/sdk.hpp"

namespace analytics_plugin {

struct Row {
  ValidEvent event;
  std::string userId;     // empty when anonymous
  std::string clientIp;   // only hashed, in the database, with the day's salt
  std::string userAgent;  // stored, cut to 512 bytes
};

class EventWriter {
 public:
  struct Options {
    int writers = 2;              // flushes in flight at once
    size_t maxBatchRows = 10000;  // rows per transaction, at most
    size_t maxQueuedRows = 200000;
  };

  EventWriter(const portico::Host& host, Options options);
  // Writes what is queued, then stops.
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // Queues `rows` (and a count of requests from bots) and returns once they are committed.
  // Throws HttpError 503 when the queue is full or the database refused the batch.
  void write(std::vector<Row> rows, int64_t botHits);

 private:
  struct Pending {
    std::vector<Row> rows;
    int64_t botHits = 0;
    bool done = false;
    std::string error;
  };

  void writerMain();
  void flush(const std::vector<std::shared_ptr<Pending>>& batch);

  const portico::Host& host_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable queued_;     // writers wait here
  std::condition_variable committed_;  // requests wait here
  std::deque<std::shared_ptr<Pending>> queue_;
  size_t queuedRows_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> writers_;
};

// The JSON array of `batch`'s rows that kFlushSql reads with jsonb_to_recordset.
std::string rowsJson(const std::vector<const Row*>& rows);

}  // namespace analytics_plugin
