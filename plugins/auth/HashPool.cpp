#include "HashPool.h"

#include "Bcrypt.h"

#include <pthread.h>
#include <sched.h>

namespace auth_plugin {

HashPool::HashPool(int threads, int queue, std::chrono::milliseconds maxWait)
    : queue_(static_cast<size_t>(queue)), maxWait_(maxWait) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
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

void HashPool::submit(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (jobs_.size() >= queue_ + threads_.size()) throw busy();
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void HashPool::work() {
  // SCHED_IDLE: a hash runs only on a CPU nothing else wants, and any other runnable thread
  // preempts it at once (at nice 19 a hash still finished its slice first, which measured as
  // milliseconds on other routes' p99). The price: while every core is saturated, sign-ins wait
  // (503 after hash_wait_ms). Lowering one's own priority needs no privilege.
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      // Queued hashes still run at shutdown: their callers are waiting for them.
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

portico::HttpError HashPool::busy() {
  return portico::HttpError(503, "too many sign-ins at once; retry in a second",
                            {{"Retry-After", "1"}});
}

}  // namespace auth_plugin
