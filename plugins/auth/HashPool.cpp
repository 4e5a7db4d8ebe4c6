// SPDX-License-Identifier: Apache-2.0
#include "HashPool.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <utility>

#include "Bcrypt.h"

namespace auth_plugin {

HashPool::HashPool(HashPoolOptions options)
    : options_(options), lastDone_(std::chrono::steady_clock::now().time_since_epoch().count()) {
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { work(); });
}

HashPool::~HashPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

std::string HashPool::hash(std::string password, int cost) {
  return run([password = std::move(password), cost] { return bcryptHash(password, cost); });
}

bool HashPool::verify(std::string password, std::string hash) {
  return run([password = std::move(password), hash = std::move(hash)] {
    return bcryptVerify(password, hash);
  });
}

void HashPool::submit(const std::shared_ptr<Job>& job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (jobs_.size() >= static_cast<size_t>(options_.queue) + static_cast<size_t>(options_.threads))
      throw busy();
    jobs_.push_back(job);
  }
  wake_.notify_one();
}

void HashPool::takeBack(const std::shared_ptr<Job>& job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!std::exchange(job->claimed, true))
    jobs_.erase(std::remove(jobs_.begin(), jobs_.end(), job), jobs_.end());
}

void HashPool::work() {
  // SCHED_IDLE: any other runnable thread preempts a hash at once (at nice 19 a hash still
  // finished its slice first, which measured as milliseconds on other routes' p99). Lowering
  // one's own priority needs no privilege; raising it again would, hence the callers' fallback.
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      // Queued hashes still run at shutdown: their callers are waiting for them.
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      if (std::exchange(job->claimed, true)) continue;
    }
    job->run();
    lastDone_ = std::chrono::steady_clock::now().time_since_epoch().count();
  }
}

bool HashPool::starved(std::chrono::milliseconds quiet) const {
  auto last = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(lastDone_));
  return std::chrono::steady_clock::now() - last >= quiet;
}

portico::HttpError HashPool::busy() {
  return portico::HttpError(503, "too many sign-ins at once; retry in a second",
                            {{"Retry-After", "1"}});
}

}  // namespace auth_plugin
