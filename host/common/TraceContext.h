/* SPDX-License-Identifier: Apache-2.0 */
// W3C Trace Context (traceparent): every request has one, its client's when valid, otherwise one
// derived from its request id; it is logged with the request, shown to the plugin, and carried
// into the events and jobs the request causes and the outbound calls it makes, each with a span
// of its own.
#pragma once

#include <string>
#include <string_view>

namespace portico::common {

// True for a well-formed version-00 traceparent with non-zero trace and parent ids.
bool validTraceparent(std::string_view header);

// `incoming` when valid, else a new traceparent for the call `callId`.
std::string traceparentFor(std::string_view incoming, std::string_view callId);

// The same trace with a new parent (span) id: what a call made on its behalf carries.
std::string childOf(const std::string& traceparent);

// The 32 hex digits of the trace id, for logs; empty for an invalid traceparent.
std::string_view traceId(std::string_view traceparent);

}  // namespace portico::common
