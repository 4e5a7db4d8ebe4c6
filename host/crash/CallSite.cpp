// SPDX-License-Identifier: Apache-2.0
#include "crash/CallSite.h"

namespace portico::crash {
namespace {

// A plain pointer: initial-exec TLS of the executable, safe to read in a signal handler.
thread_local const CallSite* tCurrent = nullptr;

}  // namespace

CallSite::CallSite(std::string_view plugin_, uint64_t generation_, std::string_view sha256_,
                   std::string_view method_, std::string_view target_, std::string_view requestId_)
    : plugin(plugin_),
      sha256(sha256_),
      method(method_),
      target(target_),
      requestId(requestId_),
      generation(generation_),
      previous_(tCurrent) {
  tCurrent = this;
}

CallSite::~CallSite() {
  tCurrent = previous_;
}

const CallSite* CallSite::current() {
  return tCurrent;
}

}  // namespace portico::crash
