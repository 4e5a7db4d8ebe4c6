/* SPDX-License-Identifier: Apache-2.0 */
// Per-caller limits in Redis, shared by every porticod: requests per minute (counted as they
// come) and tokens per UTC day. A call reserves what it may use (its prompt's estimate and its
// max_tokens) atomically before it goes out, and settles its real usage after, giving back the
// rest: so calls made at once can spend no more of the day than was left, however many there
// are. Jobs are charged once they end. A user and a service token each have their own limits.
// Over a limit: 429 with Retry-After up to the window's end.
#pragma once

#include <cstdint>
#include <string>

#include "StreamedReply.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

struct Limits {
  int64_t requestsPerMinute = 0;  // 0: none
  int64_t tokensPerDay = 0;       // 0: none
};

class Budgets {
 public:
  Budgets(Limits users, Limits services) : users_(users), services_(services) {}

  // Counts one request of subject; throws HttpError(429) when it is one too many, or when the
  // day's tokens are spent.
  void admit(portico::Redis& redis, const std::string& subject, int64_t nowMs) const;
  // Adds what a reply used to subject's day.
  void charge(portico::Redis& redis, const std::string& subject, const Usage& usage,
              int64_t nowMs) const;

  // Tokens set aside for one call; settle() replaces them with what it used (nothing: a refund).
  struct Reservation {
    std::string key;  // the day it was made in, even if the call ends in the next one
    int64_t tokens = 0;
  };
  // Throws HttpError(429) when the day has fewer than `tokens` left. Nothing is reserved without
  // a daily limit (tokens 0).
  Reservation reserve(portico::Redis& redis, const std::string& subject, int64_t tokens,
                      int64_t nowMs) const;
  static void settle(portico::Redis& redis, const Reservation& reservation, int64_t used);

 private:
  const Limits& limitsOf(const std::string& subject) const;
  Limits users_, services_;
};

// Whether a subject is a service token's ("service:<name>") rather than a user's.
inline bool isService(const std::string& subject) {
  return subject.rfind("service:", 0) == 0;
}

}  // namespace ai_plugin
