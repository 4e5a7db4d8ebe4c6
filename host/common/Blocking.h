/* SPDX-License-Identifier: Apache-2.0 */
// A thread that is about to wait (PostgreSQL, Redis, outbound HTTP, a full pool) says so, so that
// an event loop it was running can hand its other connections to another thread meanwhile, the
// way Go's scheduler hands off a processor around a blocking system call. Threads that run no
// event loop pay one thread_local read.
#pragma once

namespace portico::common {

class BlockingObserver {
 public:
  virtual void enterBlocking() = 0;
  virtual void leaveBlocking() = 0;

 protected:
  ~BlockingObserver() = default;
};

// Set by an event-loop thread for itself; null elsewhere.
BlockingObserver*& blockingObserver();

// Marks the scope as one that may wait.
class BlockingRegion {
 public:
  BlockingRegion() : observer_(blockingObserver()) {
    if (observer_) observer_->enterBlocking();
  }
  ~BlockingRegion() {
    if (observer_) observer_->leaveBlocking();
  }
  BlockingRegion(const BlockingRegion&) = delete;
  BlockingRegion& operator=(const BlockingRegion&) = delete;

 private:
  BlockingObserver* observer_;
};

}  // namespace portico::common
