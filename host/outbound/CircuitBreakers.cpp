// SPDX-License-Identifier: Apache-2.0
#include "outbound/CircuitBreakers.h"

namespace portico::outbound {

bool CircuitBreakers::admit(const std::string& destination, std::chrono::milliseconds* retryIn) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = states_.find(destination);
  if (it == states_.end() || it->second.consecutive < failures_) return true;
  State& s = it->second;
  auto now = Clock::now();
  if (now < s.openUntil || s.probing) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(s.openUntil - now);
    *retryIn = left.count() > 0 ? left : std::chrono::milliseconds(0);
    return false;
  }
  s.probing = true;
  return true;
}

void CircuitBreakers::succeeded(const std::string& destination) {
  std::lock_guard<std::mutex> lock(mutex_);
  states_.erase(destination);
}

void CircuitBreakers::failed(const std::string& destination) {
  std::lock_guard<std::mutex> lock(mutex_);
  State& s = states_[destination];
  s.probing = false;
  if (++s.consecutive >= failures_) s.openUntil = Clock::now() + openFor_;
}

}  // namespace portico::outbound
