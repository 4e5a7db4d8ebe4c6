/* SPDX-License-Identifier: Apache-2.0 */
// Every host setting, read once at start-up: each component's options through its own
// fromConfig, the process's own keys here. Defaults live in conf/porticod.properties only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/Messaging.h"
#include "auth/AuthService.h"
#include "auth/Keyring.h"
#include "fleet/RolloutAgent.h"
#include "http/Cors.h"
#include "http/OpenAiErrors.h"
#include "http/ServerOptions.h"
#include "lifecycle/PluginManager.h"
#include "log/Logging.h"
#include "outbound/OutboundOptions.h"
#include "resources/Resources.h"

namespace portico::config {
class Config;
}

namespace portico::app {

struct Settings {
  log::Options log;
  bool accessLog = false;       // log.access
  int routeStatsIntervalS = 0;  // events.route_stats_interval_s

  http::ServerOptions http;
  uint64_t maxBodyBytes = 0;      // http.max_body_bytes: for routes that set none
  uint64_t maxResponseBytes = 0;  // http.max_response_bytes
  std::vector<std::string> trustedProxies;
  int requestDeadlineMs = 0;  // http.request_deadline_ms
  int shutdownGraceMs = 0;
  int drainMs = 0;  // http.drain_ms
  http::CorsOptions cors;
  http::OpenAiErrors openAiErrors;  // http.openai_error_paths
  uint64_t streamBufferBytes = 0;   // http.stream_buffer_bytes: what one stream may hold unsent
  int pushTicketTtlS = 0;           // http.push_ticket_ttl_s
  // http.tls.plain_port: a plain listener beside the TLS one (port 0: none), redirecting to
  // HTTPS unless http.tls.plain = serve.
  http::ServerOptions plain;
  bool plainServes = false;

  bool adminEnabled = false;
  std::string adminToken;
  http::ServerOptions admin;
  uint64_t maxUploadBytes = 0;  // admin.max_upload_bytes

  lifecycle::PluginManager::Options plugins;
  fleet::RolloutAgent::Options rollout;
  resources::ResourcesOptions resources;
  MessagingOptions messaging;
  auth::AuthOptions auth;
  outbound::Options outbound;
  auth::Keyring keys;  // auth.keys, auth.signing_key, auth.key.<kid>.*: loaded from their files

  // Throws config::ConfigError naming a key whose value is malformed or out of range.
  static Settings read(const config::Config& cfg);
};

}  // namespace portico::app
