/* SPDX-License-Identifier: Apache-2.0 */
// One way into a plugin, for requests, events and jobs alike. For the length of the call the
// generation counts it in flight, the call has its own context (CallScope: what leases taken
// through it belong to and what its log lines carry; reclaimed when the call returns), and the
// thread's crash call site names plugin, route and call. A C++ exception that a raw handler lets
// out of its C function stops here: reported as an escape, never unwound further.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "abi/AbiGlue.h"
#include "abi/CallScope.h"
#include "abi/HostApi.h"
#include "abi/Leases.h"
#include "crash/CallSite.h"
#include "lifecycle/Generation.h"

namespace portico::dispatch {

struct CallOutcome {
  portico_status status = PORTICO_OK;
  std::string message;  // the plugin's error message, or what escaped
};

// `invoke(portico_host_ctx* call, portico_error*)` makes the call and returns its status.
// method ("GET", "EVENT", "JOB") and target (route, topic pattern, queue) name it for the crash
// handler.
template <typename Invoke>
CallOutcome callPlugin(lifecycle::Generation& generation, const abi::CallScope& scope,
                       std::string_view method, std::string_view target, Invoke&& invoke) {
  lifecycle::Generation::Call inflight(generation);
  portico_host_ctx call{&generation.context(), &scope};
  crash::CallSite site(generation.name(), generation.number(), generation.sha256(), method, target,
                       scope.id);
  abi::ErrorBuffer e;
  CallOutcome out;
  try {
    out.status = invoke(&call, &e.err);
    if (out.status != PORTICO_OK) out.message = e.message();
  } catch (const std::exception& ex) {
    out = {PORTICO_ERR_INTERNAL, std::string("exception escaped: ") + ex.what()};
  } catch (...) {
    out = {PORTICO_ERR_INTERNAL, "an exception of unknown type escaped"};
  }
  generation.leases().reclaim(&scope, "still open when the call returned");
  return out;
}

}  // namespace portico::dispatch
