/* SPDX-License-Identifier: Apache-2.0 */
// Per-caller limits in Redis, shared by every porticod: requests per minute (counted as they
// come) and tokens per UTC day (charged once a reply's usage is known). A user and a service
// token each have their own limits. Over a limit: 429 with Retry-After up to the window's end.
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

 private:
  const Limits& limitsOf(const std::string& subject) const;
  Limits users_, services_;
};

// Whether a subject is a service token's ("service:<name>") rather than a user's.
inline bool isService(const std::string& subject) {
  return subject.rfind("service:", 0) == 0;
}

}  // namespace ai_plugin
