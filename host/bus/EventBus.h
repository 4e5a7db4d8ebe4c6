/* SPDX-License-Identifier: Apache-2.0 */
// A bus on Redis pub/sub: one subscriber connection per host, fan-out to every host. Carries the
// plugins' events (prefix kEventPrefix), which every host's subscriptions may match. (Push
// channels have a bus of their own, push/ChannelBus.h, that subscribes per channel.)
// At-most-once by nature: an event published while this host is not subscribed (Redis restarting,
// host starting) is not seen by it, and a full delivery queue drops events (counted in
// portico_events_total{result="dropped"}).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bus/ControlChannel.h"
#include "resources/Resources.h"

namespace portico::bus {

class EventBus {
 public:
  // Called on a bus worker thread for every event received, with the traceparent of the call
  // that published it (empty when it had none).
  using Deliver = std::function<void(const std::string& topic, const std::string& payload,
                                     const std::string& traceparent)>;

  // Topics travel as Redis channels `prefix` + topic. With one worker, messages are delivered in
  // the order received.
  EventBus(resources::RedisUrl url, resources::RedisPool& pool, std::string prefix, Deliver deliver,
           int workers, size_t queueLimit);
  ~EventBus();

  void start();
  void stop();
  // Waits until the subscription is made, at most `timeout`; false if it was not (Redis down).
  // Until then this host misses what is published, so start-up waits before it says ready.
  bool waitSubscribed(std::chrono::milliseconds timeout);

  // Throws resources::PoolUnavailable without Redis. A traceparent travels with the payload in a
  // small envelope: a NUL byte, "tp:", the traceparent and a newline before it (no text payload
  // starts with NUL, and one published without it is delivered as it is).
  void publish(const std::string& topic, const std::string& payload,
               const std::string& traceparent = {});

  uint64_t dropped() const { return dropped_.load(); }
  uint64_t delivered() const { return delivered_.load(); }

  static constexpr const char* kEventPrefix = "portico:event:";

 private:
  void listen();
  void work();

  resources::RedisUrl url_;
  resources::RedisPool& pool_;
  std::string prefix_;
  Deliver deliver_;
  int workers_;
  size_t queueLimit_;
  ControlChannel control_;  // where stop() tells the listener to leave

  std::atomic<bool> stopping_{false};
  bool subscribed_ = false;  // under mutex_; the first subscription was confirmed
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> delivered_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable subscribedCv_;
  std::deque<std::pair<std::string, std::string>> queue_;
  std::thread listener_;
  std::vector<std::thread> threads_;
};

}  // namespace portico::bus
