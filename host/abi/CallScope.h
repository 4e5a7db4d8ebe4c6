// One call into a plugin: a request, an event delivery or a job run. Created by dispatch for the
// length of the call and reached through the call's portico_host_ctx: leases taken through it
// are tied to it and reclaimed when it ends, log lines carry its id, the crash handler names it.
#pragma once

#include <string_view>

namespace portico::abi {

struct CallScope {
  const char* kind;     // "request", "event", "job"
  std::string_view id;  // the request id, the event's topic, the job id
};

}  // namespace portico::abi
