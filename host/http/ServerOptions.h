/* SPDX-License-Identifier: Apache-2.0 */
// How one HTTP listener behaves: address, threads, and the limits that keep one client from
// holding a connection longer than it deserves.
#pragma once

#include <cstdint>
#include <string>

#include "http/TlsContext.h"

namespace portico::config {
class Config;
}

namespace portico::http {

// Defaults: conf/porticod.properties (http.* and admin.*).
struct ServerOptions {
  std::string host;
  uint16_t port = 0;
  int ioThreads = 0;  // event loops holding the connections; 0 = one per core
  // Workers run handlers, which may block on a database: sized to the requests served at once,
  // not to the connections open (an idle connection holds no worker).
  int threads = 0;
  int queue = 0;                 // the listen backlog
  int keepAliveTimeoutMs = 0;    // idle keep-alive connections are closed after this
  int maxKeepAliveRequests = 0;  // then the client reconnects and queues fairly again
  int timeoutMs = 0;             // the longest one read or write may wait for the client
  int headerTimeoutMs = 0;       // the whole request head must arrive within this (408)
  int maxHeaderBytes = 0;        // request line and fields together (414 / 431)
  int maxHeaderFields = 0;       // 431 past this
  uint64_t bodyMinRate = 0;      // bytes per second a body must average (408), 0 = off
  int bodyRateGraceMs = 0;       // before the rate counts
  // Streams (public listener only, set by app/Settings from http.sse_heartbeat_ms and
  // http.websocket.*): a comment line on an idle text/event-stream (0 = none); WebSocket
  // messages past the maximum are closed with 1009; an idle WebSocket is pinged at half the
  // timeout and closed at all of it.
  int sseHeartbeatMs = 0;
  uint64_t websocketMaxMessageBytes = 1;
  int websocketIdleTimeoutMs = 1000;
  std::string name;  // the prefix: "http" or "admin"
  // A listening socket this process was handed (systemd socket activation, a binary upgrade):
  // served instead of binding host:port. -1 = bind.
  int inheritedFd = -1;
  // TLS on this listener when tls.enabled(); the context is reloaded when its files change,
  // looked at every tlsWatchMs (0 = only on SIGHUP or the admin API).
  TlsOptions tls;
  int tlsWatchMs = 0;
  std::string hsts;  // Strict-Transport-Security on responses over TLS; empty = none

  // Reads <prefix>.host, .port, .io_threads, .threads, .queue, .keepalive_timeout_ms,
  // .max_keepalive_requests, .timeout_ms, .header_timeout_ms, .max_header_bytes,
  // .max_header_fields, .body_min_rate, .body_rate_grace_ms and .tls.*.
  static ServerOptions fromConfig(const config::Config& cfg, const std::string& prefix);
};

}  // namespace portico::http
