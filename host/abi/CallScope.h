/* SPDX-License-Identifier: Apache-2.0 */
// One call into a plugin: a request, an event delivery or a job run. Created by dispatch for the
// length of the call and reached through the call's portico_host_ctx: leases taken through it
// are tied to it and reclaimed when it ends, log lines carry its id, the crash handler names it.
#pragma once

#include <chrono>
#include <string_view>

namespace portico::abi {

struct CallScope {
  const char* kind;     // "request", "event", "job"
  std::string_view id;  // the request id, the event's topic, the job id
  // Outbound calls made for it end by then (http.request_deadline_ms, a job's visibility).
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string_view traceparent;  // sent on with outbound calls; empty: none
};

}  // namespace portico::abi
