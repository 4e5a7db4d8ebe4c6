/* SPDX-License-Identifier: Apache-2.0 */
// The host's outbound HTTP settings (outbound.* in porticod.properties).
#pragma once

#include <cstdint>
#include <string>

namespace portico::config {
class Config;
}

namespace portico::outbound {

struct Options {
  std::string caFile;  // empty: the system's CA bundle
  int connectTimeoutMs = 5000;
  int timeoutMs = 30000;
  uint64_t maxResponseBytes = 16 << 20;
  int maxRedirects = 5;
  int retryBaseMs = 100;
  int retryMaxMs = 5000;
  int retryAfterMaxMs = 30000;
  int breakerFailures = 5;
  int breakerOpenMs = 10000;

  static Options fromConfig(const config::Config& cfg);
};

}  // namespace portico::outbound
