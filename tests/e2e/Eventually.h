/* SPDX-License-Identifier: Apache-2.0 */
// Waiting for something a test cannot be told about: polls until it holds or time runs out.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace e2e {

// Polls `condition` every 20 ms until it returns true or `timeout` passes; one last look then.
inline bool eventually(std::chrono::milliseconds timeout, const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

inline bool eventually(const std::function<bool()>& condition) {
  return eventually(std::chrono::seconds(10), condition);
}

}  // namespace e2e
