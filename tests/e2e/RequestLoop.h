/* SPDX-License-Identifier: Apache-2.0 */
// One client thread making a request over and over (with a pause between) until stopped or a
// hard time cap passes, counting what was answered as expected and what was not.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace e2e {

class RequestLoop {
 public:
  // `once` makes one request and says whether it was answered as expected; it is given how many
  // were so far (a publisher numbers its messages with it). An exception counts as a failure.
  RequestLoop(std::function<bool(uint64_t ok)> once, int maxSeconds, int pauseMs = 0)
      : thread_([this, once = std::move(once), maxSeconds, pauseMs] {
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(maxSeconds);
          while (!stop_ && std::chrono::steady_clock::now() < deadline) {
            try {
              (once(ok_) ? ok_ : failures_)++;
            } catch (const std::exception& e) {
              ++failures_;
              std::lock_guard<std::mutex> lock(mutex_);
              if (firstError_.empty()) firstError_ = e.what();
            }
            if (pauseMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
          }
        }) {}
  ~RequestLoop() { stop(); }
  RequestLoop(const RequestLoop&) = delete;
  RequestLoop& operator=(const RequestLoop&) = delete;

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t ok() const { return ok_; }
  uint64_t failures() const { return failures_; }
  std::string firstError() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return firstError_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> failures_{0};
  mutable std::mutex mutex_;
  std::string firstError_;
  std::thread thread_;
};

}  // namespace e2e
