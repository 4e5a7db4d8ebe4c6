/* SPDX-License-Identifier: Apache-2.0 */
// The threads that run connections. Each event loop (an io_context) is run by one thread, and
// handlers run inline on it: handing every request to a separate worker pool and back cost two
// thread wake-ups per request and halved throughput on two cores (measured: 0.25-0.57 of nginx
// against about 0.7 inline). Handlers may still block, so a loop never waits for one:
//  - a known wait (common/Blocking.h: database, Redis, outbound calls) lends the loop a helper
//    thread at once if no other thread of it is free;
//  - any other handler running longer than `stallAfter` gets the loop a helper from a watchdog.
// Helpers come from a bounded set (`maxThreads` in all), park when their loop has a free thread
// again and end after parking unused for a while. Connections use strands (Session.h), so a loop
// run by several threads at once stays correct.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace portico::http {

class EventLoops {
 public:
  EventLoops(int loops, int maxThreads, std::chrono::milliseconds stallAfter);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  // Round robin over the loops, for a new connection.
  boost::asio::io_context& next();
  boost::asio::io_context& first();
  void start();
  // Stops every loop and joins every thread; what is still queued is dropped.
  void stop();
  int threads() const { return threads_.load(); }

  // Marks a handler running on a loop thread: past `stallAfter` the watchdog lends the loop a
  // helper. A no-op on any other thread.
  class Handling {
   public:
    Handling();
    ~Handling();
    Handling(const Handling&) = delete;
    Handling& operator=(const Handling&) = delete;
  };

  struct Loop;
  struct Runner;

 private:
  void watch();
  void helperMain(Runner* self);
  void lend(Loop& loop);
  // Under loop.mutex: a thread of the loop other than `except` is waiting for work, or running
  // a handler that has not yet passed stallAfter.
  bool hasFreeRunnerLocked(const Loop& loop, const Runner* except) const;
  void run(Loop& loop, Runner& runner, bool helper);
  // A handler runs or waits on the loop, or a helper is on its way.
  bool busy(Loop& loop);

  using Clock = std::chrono::steady_clock;

  std::vector<std::unique_ptr<Loop>> loops_;
  int maxThreads_;
  std::chrono::milliseconds stallAfter_;
  size_t next_ = 0;
  std::atomic<int> threads_{0};
  std::atomic<bool> stopping_{false};

  std::vector<std::thread> primaries_;
  std::thread watchdog_;

  std::mutex mutex_;  // guards what follows
  std::condition_variable parked_;
  std::condition_variable watchdogWake_;
  std::list<std::unique_ptr<Runner>> helpers_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace portico::http
