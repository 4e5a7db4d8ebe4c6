/* SPDX-License-Identifier: Apache-2.0 */
// One circuit breaker per destination (scheme://host:port), shared by every plugin calling it:
// after `failures` consecutive failures the destination is not called for `openMs`; then one
// call goes through as a probe, and its outcome closes the circuit or opens it again.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace portico::outbound {

class CircuitBreakers {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreakers(int failures, int openMs) : failures_(failures), openFor_(openMs) {}

  // Whether a call to `destination` may go out now. When it may not, *retryIn says for how long
  // the circuit stays open.
  bool admit(const std::string& destination, std::chrono::milliseconds* retryIn);
  void succeeded(const std::string& destination);
  void failed(const std::string& destination);

 private:
  struct State {
    int consecutive = 0;
    Clock::time_point openUntil{};
    bool probing = false;  // half-open: one call is out, the others fail fast
  };
  const int failures_;
  const std::chrono::milliseconds openFor_;
  std::mutex mutex_;
  std::unordered_map<std::string, State> states_;
};

}  // namespace portico::outbound
