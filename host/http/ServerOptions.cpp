#include "http/ServerOptions.h"

#include "config/Config.h"

namespace portico::http {

ServerOptions ServerOptions::fromConfig(const config::Config& cfg, const std::string& prefix,
                                        ServerOptions d) {
  auto ms = [&](const char* key, int def) {
    return static_cast<int>(cfg.getInt(prefix + key, def, 1, 3600000));
  };
  d.host = cfg.getString(prefix + ".host", d.host);
  d.port = static_cast<uint16_t>(cfg.getInt(prefix + ".port", d.port, 0, 65535));
  d.threads = static_cast<int>(cfg.getInt(prefix + ".threads", d.threads, 1, 65536));
  d.queue = static_cast<int>(cfg.getInt(prefix + ".queue", d.queue, 1, 1 << 20));
  d.keepAliveTimeoutMs = ms(".keepalive_timeout_ms", d.keepAliveTimeoutMs);
  d.maxKeepAliveRequests = static_cast<int>(
      cfg.getInt(prefix + ".max_keepalive_requests", d.maxKeepAliveRequests, 0, INT32_MAX));
  d.timeoutMs = ms(".timeout_ms", d.timeoutMs);
  d.headerTimeoutMs = ms(".header_timeout_ms", d.headerTimeoutMs);
  d.maxHeaderBytes =
      static_cast<int>(cfg.getInt(prefix + ".max_header_bytes", d.maxHeaderBytes, 1024, 1 << 20));
  d.maxHeaderFields =
      static_cast<int>(cfg.getInt(prefix + ".max_header_fields", d.maxHeaderFields, 1, 10000));
  d.bodyMinRate = static_cast<uint64_t>(
      cfg.getInt(prefix + ".body_min_rate", static_cast<int64_t>(d.bodyMinRate), 0));
  d.bodyRateGraceMs = ms(".body_rate_grace_ms", d.bodyRateGraceMs);
  d.name = prefix;
  return d;
}

}  // namespace portico::http
