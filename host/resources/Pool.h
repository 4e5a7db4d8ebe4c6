/* SPDX-License-Identifier: Apache-2.0 */
// A bounded pool of connections (PostgreSQL or Redis), validated on borrow.
//
// Connections are made lazily up to `max`. A borrowed connection is checked by the validator first
// (a server restart leaves dead connections behind: they are dropped and replaced, so a restart is
// survived without restarting porticod). Idle connections older than the idle timeout are closed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "common/Blocking.h"

namespace portico::resources {

// The pool cannot hand out a connection now: the server is unreachable or every connection is
// busy past the borrow timeout. Callers answer 503.
class PoolUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every connection stayed busy for the whole borrow timeout.
class PoolExhausted : public PoolUnavailable {
 public:
  using PoolUnavailable::PoolUnavailable;
};

struct PoolOptions {
  int min = 0;  // connections kept open even when idle past the idle timeout
  int max = 16;
  int borrowTimeoutMs = 2000;
  int idleTimeoutMs = 60000;
};

template <typename Conn>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<Conn>()>;  // throws when it cannot connect
  using Validator = std::function<bool(Conn&)>;
  using Clock = std::chrono::steady_clock;

  Pool(std::string name, PoolOptions options, Factory factory, Validator validator)
      : name_(std::move(name)),
        options_(options),
        factory_(std::move(factory)),
        validator_(std::move(validator)) {}

  // Throws PoolUnavailable.
  std::unique_ptr<Conn> borrow(int timeoutMs) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      while (!idle_.empty()) {
        Idle entry = std::move(idle_.back());
        idle_.pop_back();
        ++inUse_;
        lock.unlock();
        if (validator_(*entry.conn)) return std::move(entry.conn);
        entry.conn.reset();
        lock.lock();
        --inUse_;
        --total_;
      }
      if (total_ < options_.max) {
        ++total_;
        ++inUse_;
        lock.unlock();
        try {
          common::BlockingRegion connecting;
          return factory_();
        } catch (const std::exception& e) {
          lock.lock();
          --total_;
          --inUse_;
          available_.notify_one();
          throw PoolUnavailable(name_ + " unavailable: " + e.what());
        }
      }
      std::cv_status waited;
      {
        common::BlockingRegion waiting;
        waited = available_.wait_until(lock, deadline);
      }
      if (waited == std::cv_status::timeout && idle_.empty() && total_ >= options_.max) {
        throw PoolExhausted(name_ + " pool exhausted: all " + std::to_string(options_.max) +
                            " connections busy for " + std::to_string(timeoutMs) + " ms");
      }
    }
  }

  // Borrows a connection for one call of fn(conn) and gives it back: pooled again when fn
  // returns, closed when it throws (its state is unknown then). Throws PoolUnavailable or what
  // fn throws.
  template <typename F>
  auto withConnection(F&& fn) {
    std::unique_ptr<Conn> conn = borrow(options_.borrowTimeoutMs);
    try {
      if constexpr (std::is_void_v<decltype(fn(*conn))>) {
        fn(*conn);
        giveBack(std::move(conn), true);
      } else {
        auto result = fn(*conn);
        giveBack(std::move(conn), true);
        return result;
      }
    } catch (...) {
      if (conn) giveBack(std::move(conn), false);
      throw;
    }
  }

  // Returns a borrowed connection; `reusable` false closes it (broken, or state unknown).
  void giveBack(std::unique_ptr<Conn> conn, bool reusable) {
    std::lock_guard<std::mutex> lock(mutex_);
    --inUse_;
    auto now = Clock::now();
    if (reusable && conn) {
      idle_.push_back(Idle{std::move(conn), now});
    } else {
      --total_;
    }
    // Oldest first: close those idle for too long, down to the minimum.
    while (!idle_.empty() && total_ > options_.min &&
           now - idle_.front().since > std::chrono::milliseconds(options_.idleTimeoutMs)) {
      idle_.pop_front();
      --total_;
    }
    available_.notify_one();
  }

  // Opens connections up to the minimum; false (and nothing thrown) if the server is down, in
  // which case they are made on demand later.
  bool warmUp() {
    std::vector<std::unique_ptr<Conn>> opened;
    try {
      while (static_cast<int>(opened.size()) < options_.min) opened.push_back(borrow(0));
    } catch (const PoolUnavailable&) {
    }
    bool ok = static_cast<int>(opened.size()) >= options_.min;
    for (auto& c : opened) giveBack(std::move(c), true);
    return ok;
  }

  int inUse() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return inUse_;
  }
  int idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return static_cast<int>(idle_.size());
  }
  const std::string& name() const { return name_; }
  const PoolOptions& options() const { return options_; }

 private:
  struct Idle {
    std::unique_ptr<Conn> conn;
    Clock::time_point since;
  };

  std::string name_;
  PoolOptions options_;
  Factory factory_;
  Validator validator_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::deque<Idle> idle_;
  int total_ = 0;
  int inUse_ = 0;
};

}  // namespace portico::resources
