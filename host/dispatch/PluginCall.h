// One way into a plugin, for requests, events and jobs alike. For the length of the call the
// generation counts it in flight, leases taken are tied to it, and the thread's crash call site
// names plugin, route and request (a fatal signal reports them). A C++ exception that a raw
// handler lets out of its C function stops here: reported as an escape, never unwound further.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "abi/AbiGlue.h"
#include "abi/Leases.h"
#include "crash/CallSite.h"
#include "lifecycle/Generation.h"

namespace portico::dispatch {

struct CallOutcome {
  portico_status status = PORTICO_OK;
  bool escaped = false;  // an exception crossed the C boundary
  std::string message;   // the plugin's error message, or what escaped
};

// `invoke(portico_error*)` makes the call and returns its status. The views name the call for
// the crash handler: method ("GET", "EVENT", "JOB"), target (route, topic pattern, queue) and the
// request or job id.
template <typename Invoke>
CallOutcome callPlugin(lifecycle::Generation& generation, std::string_view method,
                       std::string_view target, std::string_view requestId, Invoke&& invoke) {
  lifecycle::Generation::Call inflight(generation);
  abi::RequestLeaseScope leases(generation.leases());
  crash::CallSite site(generation.name(), generation.number(), generation.sha256(), method, target,
                       requestId);
  abi::ErrorBuffer e;
  CallOutcome out;
  try {
    out.status = invoke(&e.err);
    if (out.status != PORTICO_OK) out.message = e.message();
  } catch (const std::exception& ex) {
    out = {PORTICO_ERR_INTERNAL, true, std::string("exception escaped: ") + ex.what()};
  } catch (...) {
    out = {PORTICO_ERR_INTERNAL, true, "an exception of unknown type escaped"};
  }
  return out;
}

}  // namespace portico::dispatch
