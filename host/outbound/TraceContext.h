// W3C Trace Context (traceparent) for the calls a plugin makes: the calling request's own trace
// is carried on when it came with one; otherwise a trace id derived from the call's id (request
// id, job id), so that every outbound request of one call shares a trace.
#pragma once

#include <string>
#include <string_view>

namespace portico::outbound {

// True for a well-formed version-00 traceparent with non-zero trace and parent ids.
bool validTraceparent(std::string_view header);

// `incoming` when valid, else a new traceparent for the call `callId`.
std::string traceparentFor(std::string_view incoming, std::string_view callId);

}  // namespace portico::outbound
