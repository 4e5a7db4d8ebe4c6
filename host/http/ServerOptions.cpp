// SPDX-License-Identifier: Apache-2.0
#include "http/ServerOptions.h"

#include <algorithm>
#include <thread>

#include "config/Config.h"

namespace portico::http {

ServerOptions ServerOptions::fromConfig(const config::Config& cfg, const std::string& prefix) {
  auto number = [&](const char* key, int64_t min, int64_t max) {
    return cfg.getInt(prefix + key, min, max);
  };
  ServerOptions o;
  o.host = cfg.getString(prefix + ".host");
  o.port = static_cast<uint16_t>(number(".port", 0, 65535));
  o.ioThreads = static_cast<int>(number(".io_threads", 0, 1024));
  if (o.ioThreads == 0)
    o.ioThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.threads = static_cast<int>(number(".threads", 1, 65536));
  o.queue = static_cast<int>(number(".queue", 1, 1 << 20));
  o.keepAliveTimeoutMs = static_cast<int>(number(".keepalive_timeout_ms", 1, 3600000));
  o.maxKeepAliveRequests = static_cast<int>(number(".max_keepalive_requests", 0, INT32_MAX));
  o.timeoutMs = static_cast<int>(number(".timeout_ms", 1, 3600000));
  o.headerTimeoutMs = static_cast<int>(number(".header_timeout_ms", 1, 3600000));
  o.maxHeaderBytes = static_cast<int>(number(".max_header_bytes", 1024, 1 << 20));
  o.maxHeaderFields = static_cast<int>(number(".max_header_fields", 1, 10000));
  o.bodyMinRate = static_cast<uint64_t>(number(".body_min_rate", 0, INT64_MAX));
  o.bodyRateGraceMs = static_cast<int>(number(".body_rate_grace_ms", 1, 3600000));
  o.tls.certFile = cfg.getString(prefix + ".tls.cert_file");
  o.tls.keyFile = cfg.getString(prefix + ".tls.key_file");
  o.tls.clientCaFile = cfg.getString(prefix + ".tls.client_ca_file");
  o.tls.ciphers = cfg.getString(prefix + ".tls.ciphers");
  o.tls.ciphersuites = cfg.getString(prefix + ".tls.ciphersuites");
  std::string minVersion = cfg.getString(prefix + ".tls.min_version");
  if (minVersion != "1.2" && minVersion != "1.3") {
    throw config::ConfigError(prefix + ".tls.min_version must be 1.2 or 1.3, not '" + minVersion +
                              "'");
  }
  o.tls.tls13Only = minVersion == "1.3";
  o.tlsWatchMs = static_cast<int>(number(".tls.watch_ms", 0, 86400000));
  o.hsts = cfg.getString(prefix + ".tls.hsts");
  o.name = prefix;
  return o;
}

}  // namespace portico::http
