// Bounds how much password hashing runs at once: `slots` hashes on the calling request threads,
// up to `queue` more waiting for a slot, and the rest refused at once (503 + Retry-After). So a
// burst of logins occupies at most slots + queue of the host's request threads and slots cores,
// and every other route keeps its latency. No threads of its own: nothing to join on a hot swap,
// and a request of a draining generation still finishes its hash.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "portico/sdk.hpp"

namespace auth_plugin {

class HashSlots {
 public:
  HashSlots(int slots, int queue, std::chrono::milliseconds maxWait)
      : free_(slots), queue_(queue), maxWait_(maxWait) {}

  // Runs fn in a slot. Throws HttpError 503 when the queue is full or no slot frees in time.
  template <typename F>
  auto run(F&& fn) {
    Slot slot(*this);
    return fn();
  }

 private:
  class Slot {
   public:
    explicit Slot(HashSlots& s) : s_(s) { s_.acquire(); }
    ~Slot() { s_.release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    HashSlots& s_;
  };

  void acquire() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (free_ > 0) {
      --free_;
      return;
    }
    if (waiting_ >= queue_) throw busy();
    ++waiting_;
    bool got = freed_.wait_for(lock, maxWait_, [this] { return free_ > 0; });
    --waiting_;
    if (!got) throw busy();
    --free_;
  }

  void release() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++free_;
    }
    freed_.notify_one();
  }

  static portico::HttpError busy() {
    return portico::HttpError(503, "too many sign-ins at once; retry in a second",
                              {{"Retry-After", "1"}});
  }

  std::mutex mutex_;
  std::condition_variable freed_;
  int free_;
  int waiting_ = 0;
  int queue_;
  std::chrono::milliseconds maxWait_;
};

}  // namespace auth_plugin
