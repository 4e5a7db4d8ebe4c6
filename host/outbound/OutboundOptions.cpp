// SPDX-License-Identifier: Apache-2.0
#include "outbound/OutboundOptions.h"

#include "config/Config.h"

namespace portico::outbound {

Options Options::fromConfig(const config::Config& cfg) {
  Options o;
  o.caFile = cfg.getString("outbound.ca_file");
  auto ms = [&](const char* key, int64_t min) {
    return static_cast<int>(cfg.getInt(key, min, 86400000));
  };
  o.connectTimeoutMs = ms("outbound.connect_timeout_ms", 1);
  o.timeoutMs = ms("outbound.timeout_ms", 1);
  o.maxResponseBytes = static_cast<uint64_t>(cfg.getInt("outbound.max_response_bytes", 1));
  o.maxRedirects = static_cast<int>(cfg.getInt("outbound.max_redirects", 0, 20));
  o.retryBaseMs = ms("outbound.retry_base_ms", 1);
  o.retryMaxMs = ms("outbound.retry_max_ms", 1);
  o.retryAfterMaxMs = ms("outbound.retry_after_max_ms", 0);
  o.breakerFailures = static_cast<int>(cfg.getInt("outbound.breaker_failures", 1, 1000000));
  o.breakerOpenMs = ms("outbound.breaker_open_ms", 1);
  return o;
}

}  // namespace portico::outbound
