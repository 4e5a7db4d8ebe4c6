// SPDX-License-Identifier: Apache-2.0
#include "app/Settings.h"

#include <Poco/Net/DNS.h>

#include "config/Config.h"

namespace portico::app {

Settings Settings::read(const config::Config& cfg) {
  Settings s;
  s.log.level = cfg.getString("log.level");
  s.log.json = cfg.getString("log.format") == "json";
  s.accessLog = cfg.getBool("log.access");
  s.routeStatsIntervalS = static_cast<int>(cfg.getInt("events.route_stats_interval_s", 0, 86400));

  s.http = http::ServerOptions::fromConfig(cfg, "http");
  s.maxBodyBytes = static_cast<uint64_t>(cfg.getInt("http.max_body_bytes", 0));
  s.maxResponseBytes = static_cast<uint64_t>(cfg.getInt("http.max_response_bytes", 1));
  s.trustedProxies = cfg.getList("http.trusted_proxies");
  s.requestDeadlineMs = static_cast<int>(cfg.getInt("http.request_deadline_ms", 1, 86400000));
  s.shutdownGraceMs = static_cast<int>(cfg.getInt("http.shutdown_grace_ms", 0, 600000));
  s.drainMs = static_cast<int>(cfg.getInt("http.drain_ms", 0, 600000));
  s.cors = http::CorsOptions::fromConfig(cfg);
  s.openAiErrors = http::OpenAiErrors::fromConfig(cfg);
  s.http.sseHeartbeatMs = static_cast<int>(cfg.getInt("http.sse_heartbeat_ms", 0, 3600000));
  s.http.websocketMaxMessageBytes =
      static_cast<uint64_t>(cfg.getInt("http.websocket.max_message_bytes", 1, int64_t{1} << 32));
  s.http.websocketIdleTimeoutMs =
      static_cast<int>(cfg.getInt("http.websocket.idle_timeout_ms", 1000, 86400000));
  s.pushTicketTtlS = static_cast<int>(cfg.getInt("http.push_ticket_ttl_s", 1, 3600));
  s.streamBufferBytes =
      static_cast<uint64_t>(cfg.getInt("http.stream_buffer_bytes", 1024, int64_t{1} << 32));

  s.plain = s.http;
  s.plain.port = static_cast<uint16_t>(cfg.getInt("http.tls.plain_port", 0, 65535));
  s.plain.tls = {};
  std::string plainMode = cfg.getString("http.tls.plain");
  if (plainMode != "redirect" && plainMode != "serve") {
    throw config::ConfigError("http.tls.plain must be redirect or serve, not '" + plainMode + "'");
  }
  s.plainServes = plainMode == "serve";
  if (s.plain.port != 0 && !s.http.tls.enabled()) {
    throw config::ConfigError("http.tls.plain_port is set but http.tls.cert_file is not");
  }

  s.adminEnabled = cfg.getBool("admin.enabled");
  s.adminToken = cfg.getString("admin.token");
  s.admin = http::ServerOptions::fromConfig(cfg, "admin");
  s.maxUploadBytes = static_cast<uint64_t>(cfg.getInt("admin.max_upload_bytes", 1));

  s.plugins = lifecycle::PluginManager::Options::fromConfig(cfg);
  s.rollout.fleet = cfg.getString("rollout.fleet");
  s.rollout.hostId = cfg.getString("rollout.host_id");
  if (s.rollout.hostId.empty()) {
    s.rollout.hostId = Poco::Net::DNS::hostName() + ":" + std::to_string(s.http.port);
  }
  s.rollout.pollMs = static_cast<int>(cfg.getInt("rollout.poll_ms", 50, 3600000));
  s.rollout.canaryMs = static_cast<int>(cfg.getInt("rollout.canary_ms", 0, 86400000));
  s.resources = resources::ResourcesOptions::fromConfig(cfg);
  s.messaging = MessagingOptions::fromConfig(cfg);
  s.auth = auth::AuthOptions::fromConfig(cfg);
  s.outbound = outbound::Options::fromConfig(cfg);
  s.keys = auth::Keyring::fromConfig(cfg);
  return s;
}

}  // namespace portico::app
