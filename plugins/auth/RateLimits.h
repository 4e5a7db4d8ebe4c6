/* SPDX-License-Identifier: Apache-2.0 */
// Fixed-window counters in Redis, shared by every host, for what an attacker repeats: sign-ups
// and sign-ins per client IP, and wrong passwords per account. Over the limit is 429 with
// Retry-After = the seconds left in the window.
#pragma once

#include <cstdint>
#include <string>

#include "portico/sdk.hpp"

namespace auth_plugin {

struct Limit {
  int64_t max;      // events allowed per window
  int64_t windowS;  // window length
};

class RateLimits {
 public:
  // Each takes its Redis lease for `call`, the request being served.

  // Counts one event under key; throws HttpError 429 once the count passes limit.max.
  void hit(const portico::Scope& call, const std::string& key, Limit limit) const;
  // Counts one event without judging it (a failure that check() will weigh next time).
  void record(const portico::Scope& call, const std::string& key, int64_t windowS) const {
    count(call, key, windowS);
  }
  // Throws HttpError 429 if key has already reached limit.max, without counting.
  void check(const portico::Scope& call, const std::string& key, Limit limit) const;
  void reset(const portico::Scope& call, const std::string& key) const;

 private:
  // {count in this window, seconds left}
  std::pair<int64_t, int64_t> count(const portico::Scope& call, const std::string& key,
                                    int64_t windowS) const;
};

}  // namespace auth_plugin
