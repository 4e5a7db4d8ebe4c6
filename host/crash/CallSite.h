/* SPDX-License-Identifier: Apache-2.0 */
// Which plugin code this thread is running, for the crash handler (CrashHandler.h): set around
// every call into a plugin, read from a signal handler, so it holds only views and a number.
#pragma once

#include <cstdint>
#include <string_view>

namespace portico::crash {

class CallSite {
 public:
  // Every view must outlive the call site (they name the generation, its route and the request).
  CallSite(std::string_view plugin, uint64_t generation, std::string_view sha256,
           std::string_view method, std::string_view target, std::string_view requestId);
  ~CallSite();
  CallSite(const CallSite&) = delete;
  CallSite& operator=(const CallSite&) = delete;

  // The innermost call site of this thread, or null outside plugin code.
  static const CallSite* current();

  std::string_view plugin, sha256, method, target, requestId;
  uint64_t generation;

 private:
  const CallSite* previous_;
};

}  // namespace portico::crash
