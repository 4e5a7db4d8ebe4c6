// SPDX-License-Identifier: Apache-2.0
#include "http/EventLoops.h"

#include <algorithm>

#include "common/Blocking.h"

namespace portico::http {

namespace asio = boost::asio;

namespace {

constexpr int64_t kInLoop = 0;    // waiting for or running event-loop work
constexpr int64_t kWaiting = -1;  // inside a BlockingRegion
constexpr auto kHelperSlice = std::chrono::milliseconds(10);
constexpr auto kParkedLifetime = std::chrono::seconds(30);
// How far the watchdog backs off while no handler runs, as Go's sysmon does: an idle host then
// wakes a hundred times a second rather than a thousand.
constexpr auto kIdleTick = std::chrono::milliseconds(10);

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct EventLoops::Loop {
  asio::io_context context;
  asio::executor_work_guard<asio::io_context::executor_type> guard{context.get_executor()};
  std::mutex mutex;  // guards what follows
  std::vector<Runner*> runners;
  int pending = 0;  // helpers lent but not yet running
};

struct EventLoops::Runner final : common::BlockingObserver {
  explicit Runner(EventLoops& o) : owner(o) {}

  void enterBlocking() override {
    if (depth++ > 0 || !loop) return;
    saved = busySince.exchange(kWaiting);
    owner.lend(*loop);
  }
  void leaveBlocking() override {
    if (--depth == 0 && loop) busySince = saved;
  }

  EventLoops& owner;
  Loop* loop = nullptr;  // the loop this thread runs now
  // When the handler it runs began (steady clock, ns), kInLoop or kWaiting.
  std::atomic<int64_t> busySince{kInLoop};
  int depth = 0;  // nested BlockingRegions
  int64_t saved = kInLoop;
  // Helpers only, guarded by EventLoops::mutex_.
  Loop* assigned = nullptr;
  bool parked = false;
  bool done = false;
  std::thread thread;
};

namespace {

thread_local EventLoops::Runner* tlsRunner = nullptr;

}  // namespace

EventLoops::Handling::Handling() {
  if (tlsRunner && tlsRunner->depth == 0) tlsRunner->busySince = nowNs();
}

EventLoops::Handling::~Handling() {
  if (tlsRunner && tlsRunner->depth == 0) tlsRunner->busySince = kInLoop;
}

EventLoops::EventLoops(int loops, int maxThreads, std::chrono::milliseconds stallAfter)
    : maxThreads_(std::max(loops, maxThreads)), stallAfter_(stallAfter) {
  for (int i = 0; i < loops; ++i) loops_.push_back(std::make_unique<Loop>());
}

EventLoops::~EventLoops() {
  stop();
}

asio::io_context& EventLoops::next() {
  return loops_[next_++ % loops_.size()]->context;
}

asio::io_context& EventLoops::first() {
  return loops_[0]->context;
}

void EventLoops::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  started_ = true;
  for (auto& loop : loops_) {
    threads_++;
    primaries_.emplace_back([this, l = loop.get()] {
      Runner runner(*this);
      run(*l, runner, false);
    });
  }
  watchdog_ = std::thread([this] { watch(); });
}

void EventLoops::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_ || stopped_) return;
    stopped_ = true;
  }
  stopping_ = true;
  for (auto& loop : loops_) {
    loop->guard.reset();
    loop->context.stop();
  }
  parked_.notify_all();
  watchdogWake_.notify_all();
  for (auto& t : primaries_) t.join();
  watchdog_.join();
  // No helper is lent any more: the watchdog has ended and the loops no longer run.
  for (auto& helper : helpers_) helper->thread.join();
  helpers_.clear();
}

void EventLoops::run(Loop& loop, Runner& runner, bool helper) {
  tlsRunner = &runner;
  common::blockingObserver() = &runner;
  runner.loop = &loop;
  {
    std::lock_guard<std::mutex> lock(loop.mutex);
    loop.runners.push_back(&runner);
    if (helper) --loop.pending;
  }
  if (!helper) {
    loop.context.run();
  } else {
    // A helper serves until the loop has a free thread of its own again.
    while (!stopping_ && !loop.context.stopped()) {
      loop.context.run_for(kHelperSlice);
      std::lock_guard<std::mutex> lock(loop.mutex);
      if (hasFreeRunnerLocked(loop, &runner)) break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(loop.mutex);
    loop.runners.erase(std::find(loop.runners.begin(), loop.runners.end(), &runner));
  }
  runner.loop = nullptr;
  common::blockingObserver() = nullptr;
  tlsRunner = nullptr;
}

bool EventLoops::hasFreeRunnerLocked(const Loop& loop, const Runner* except) const {
  int64_t now = nowNs();
  int64_t stallNs = std::chrono::duration_cast<std::chrono::nanoseconds>(stallAfter_).count();
  return std::any_of(loop.runners.begin(), loop.runners.end(), [&](const Runner* r) {
    int64_t since = r->busySince;
    return r != except && (since == kInLoop || (since > 0 && now - since < stallNs));
  });
}

void EventLoops::lend(Loop& loop) {
  {
    std::lock_guard<std::mutex> lock(loop.mutex);
    if (loop.pending > 0 || hasFreeRunnerLocked(loop, nullptr)) return;
    ++loop.pending;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopped_) return;
  for (auto& helper : helpers_) {
    if (helper->parked && !helper->assigned) {
      helper->assigned = &loop;
      helper->parked = false;
      parked_.notify_all();
      return;
    }
  }
  if (threads_ >= maxThreads_) {
    // Every thread is busy: the loop's connections wait, as requests would for a full pool.
    std::lock_guard<std::mutex> loopLock(loop.mutex);
    --loop.pending;
    return;
  }
  auto helper = std::make_unique<Runner>(*this);
  helper->assigned = &loop;
  Runner* raw = helper.get();
  threads_++;
  helper->thread = std::thread([this, raw] { helperMain(raw); });
  helpers_.push_back(std::move(helper));
}

void EventLoops::helperMain(Runner* self) {
  for (;;) {
    Loop* loop;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!self->assigned && !stopped_) {
        self->parked = true;
        if (parked_.wait_for(lock, kParkedLifetime) == std::cv_status::timeout && !self->assigned) {
          break;
        }
      }
      if (!self->assigned || stopped_) {
        self->parked = false;
        self->done = true;
        threads_--;
        return;
      }
      loop = self->assigned;
      self->assigned = nullptr;
    }
    run(*loop, *self, true);
  }
}

bool EventLoops::busy(Loop& loop) {
  std::lock_guard<std::mutex> lock(loop.mutex);
  return loop.pending > 0 || std::any_of(loop.runners.begin(), loop.runners.end(),
                                         [](const Runner* r) { return r->busySince != kInLoop; });
}

void EventLoops::watch() {
  const auto base = std::max(std::chrono::milliseconds(1), stallAfter_ / 2);
  auto tick = base;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopped_) {
    watchdogWake_.wait_for(lock, tick);
    // Helpers that ended after parking unused are joined here, off every loop.
    for (auto it = helpers_.begin(); it != helpers_.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = helpers_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    bool anyBusy = false;
    for (auto& loop : loops_) {
      lend(*loop);
      anyBusy = busy(*loop) || anyBusy;
    }
    tick = anyBusy ? base : std::min(tick * 2, std::max(base, kIdleTick));
    lock.lock();
  }
}

}  // namespace portico::http
