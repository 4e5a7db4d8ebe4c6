// The bounded worker pool password hashing runs on: `threads` workers at idle CPU priority
// (SCHED_IDLE), so that every other route is served first, and a queue of at most `queue` waiting
// hashes; beyond that, or when a result takes longer than `maxWait`, the caller gets 503 +
// Retry-After at once. The workers are joined when the plugin instance is destroyed, which the host
// does only after the last request of the generation has returned: a request that is waiting on a
// hash during a hot swap still gets it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "portico/sdk.hpp"

namespace auth_plugin {

class HashPool {
 public:
  HashPool(int threads, int queue, std::chrono::milliseconds maxWait);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // bcryptHash / bcryptVerify on a worker. Both throw HttpError 503 when the queue is full or
  // the result does not come within maxWait. The arguments are copied: a caller that gave up
  // waiting is gone by the time its hash runs.
  std::string hash(std::string password, int cost);
  bool verify(std::string password, std::string hash);

 private:
  template <typename F>
  auto run(F fn) -> decltype(fn()) {
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto result = task->get_future();
    submit([task] { (*task)(); });
    if (result.wait_for(maxWait_) != std::future_status::ready) throw busy();
    return result.get();
  }

  void submit(std::function<void()> job);
  void work();
  static portico::HttpError busy();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  size_t queue_;
  std::chrono::milliseconds maxWait_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace auth_plugin
