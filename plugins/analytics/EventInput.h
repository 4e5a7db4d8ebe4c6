/* SPDX-License-Identifier: Apache-2.0 */
// One incoming event checked against the plugin's limits: {event, distinct_id, timestamp?,
// properties{}, uuid?}. A bad event gets a reason, never an exception, so that it does not sink
// the batch it came in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "portico/json.hpp"

namespace analytics_plugin {

struct Limits {
  size_t maxNameBytes = 200;                  // event and distinct_id
  size_t maxProperties = 100;                 // members of properties, at every level
  size_t maxKeyBytes = 200;                   // a property's name
  size_t maxValueBytes = 4096;                // a string value
  int maxDepth = 4;                           // objects and arrays inside properties
  size_t maxPropertiesBytes = 32768;          // properties as stored (compact JSON)
  int64_t maxFutureMs = 3600 * 1000LL;        // later than now + this: clamped to now
  int64_t maxAgeMs = 7LL * 24 * 3600 * 1000;  // earlier than now - this: rejected
};

struct ValidEvent {
  std::string uuid;  // the client's, or empty for one the writer makes (newUuidV7)
  int64_t tsMs = 0;  // when it happened, clamped (ms since the epoch, UTC)
  bool clamped = false;
  std::string event;
  std::string distinctId;
  std::string properties;  // compact JSON object
};

struct Checked {
  std::optional<ValidEvent> event;
  std::string reason;  // why not, when event is empty
};

// `nowMs` is the server's clock. Timestamps: RFC 3339 text or integer milliseconds since the
// epoch; absent, a UUIDv7's own time, else now.
Checked checkEvent(const portico::json::Value& input, const Limits& limits, int64_t nowMs);

// A UUIDv7 of `ms` with random other bits. Ids that grow with time keep the (uuid, ts) index's
// inserts at its right edge instead of on random pages.
std::string newUuidV7(int64_t ms);

// Milliseconds since the epoch of an RFC 3339 timestamp ("2026-12-03T10:00:00.123Z",
// "...+02:00"); nullopt for anything else.
std::optional<int64_t> parseTimestamp(const std::string& text);

}  // namespace analytics_plugin
