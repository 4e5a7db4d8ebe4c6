/* SPDX-License-Identifier: Apache-2.0 */
// The bounded worker pool password hashing runs on.
//  - `threads` workers at idle CPU priority (SCHED_IDLE): a hash only ever uses a CPU that nothing
//    else wants, so other routes keep their latency during a sign-in flood.
//  - When every CPU is busy the workers may not run at all. A caller that has waited `patience`
//    while the workers finished nothing in that time computes its hash itself, at normal
//    priority, one such hash at a time: sign-ins slow down under load but never stop. (A mere
//    backlog, workers busy but progressing, just waits.)
//  - At most `queue` hashes wait; beyond that, or when a result takes longer than `maxWait`, the
//    caller gets 503 + Retry-After at once.
// The workers are joined when the plugin instance is destroyed, which the host does only after
// the last request of the generation has returned: a request waiting on a hash during a hot swap
// still gets it.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "portico/sdk.hpp"

namespace auth_plugin {

struct HashPoolOptions {
  int threads = 1;
  int queue = 32;
  std::chrono::milliseconds patience{1000};
  std::chrono::milliseconds maxWait{5000};
};

class HashPool {
 public:
  explicit HashPool(HashPoolOptions options);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // bcryptHash / bcryptVerify. Both throw HttpError 503 when the queue is full or the result
  // does not come within maxWait. The arguments are copied: a caller that gave up waiting is
  // gone by the time its hash runs.
  std::string hash(std::string password, int cost);
  bool verify(std::string password, std::string hash);

 private:
  struct Job {
    std::function<void()> run;
    bool claimed = false;  // by a worker, or by the caller taking it back; under mutex_
  };

  template <typename F>
  auto run(F fn) -> decltype(fn()) {
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(fn);
    auto result = task->get_future();
    auto job = std::make_shared<Job>();
    job->run = [task] { (*task)(); };
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + options_.maxWait;
    submit(job);
    if (result.wait_until(std::min(start + options_.patience, deadline)) ==
        std::future_status::ready) {
      return result.get();
    }
    // Backlog: the workers are getting through the queue, so wait for ours.
    while (!starved(options_.patience)) {
      auto next = std::min(std::chrono::steady_clock::now() + options_.patience, deadline);
      if (result.wait_until(next) == std::future_status::ready) return result.get();
      if (std::chrono::steady_clock::now() >= deadline) {
        takeBack(job);
        throw busy();
      }
    }
    takeBack(job);
    // Starved: at idle priority a worker may not get a CPU at all, not even to finish a hash it
    // has started; so the caller computes it itself, at normal priority, one such at a time.
    // (A worker still busy with the same hash only ever uses CPU nobody else wants.)
    std::unique_lock<std::timed_mutex> slot(inline_, deadline);
    if (!slot.owns_lock()) throw busy();
    if (result.wait_for(std::chrono::seconds(0)) == std::future_status::ready) return result.get();
    return fn();
  }

  void submit(const std::shared_ptr<Job>& job);
  // True when no worker has finished a hash for `quiet`.
  bool starved(std::chrono::milliseconds quiet) const;
  // Drops the job from the queue unless a worker has started it already.
  void takeBack(const std::shared_ptr<Job>& job);
  void work();
  static portico::HttpError busy();

  HashPoolOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> jobs_;
  std::timed_mutex inline_;                               // one hash at normal priority at a time
  std::atomic<std::chrono::steady_clock::rep> lastDone_;  // when a worker last finished a hash
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace auth_plugin
