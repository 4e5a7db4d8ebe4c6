/* SPDX-License-Identifier: Apache-2.0 */
// The public listener's request path: parse the target, answer CORS preflights and the host's
// own endpoints (http/HostPaths.h), otherwise route to a plugin through the current
// route table.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "http/Cors.h"
#include "http/Exchange.h"
#include "http/HostPaths.h"
#include "http/OpenAiErrors.h"

namespace portico::metrics {
class Metrics;
}
namespace portico::lifecycle {
class PluginManager;
struct RouteTable;
}  // namespace portico::lifecycle
namespace portico::auth {
class AuthService;
}

namespace portico::resources {
class Readiness;
}
namespace portico::push {
class UserStreams;
}

namespace portico::app {

class PublicHandler : public http::Handler {
 public:
  // trustedProxies: peers whose X-Forwarded-For is believed (http.trusted_proxies).
  // requestDeadlineMs: http.request_deadline_ms, how long a plugin's outbound calls may run.
  PublicHandler(lifecycle::PluginManager& plugins, metrics::Metrics& metrics,
                const resources::Readiness& readiness, auth::AuthService& auth,
                uint64_t maxResponseBytes, std::vector<std::string> trustedProxies,
                int requestDeadlineMs, http::CorsOptions cors, http::OpenAiErrors openAiErrors,
                uint64_t streamBufferBytes, push::UserStreams& userStreams)
      : plugins_(plugins),
        metrics_(metrics),
        readiness_(readiness),
        auth_(auth),
        maxResponseBytes_(maxResponseBytes),
        trustedProxies_(std::move(trustedProxies)),
        requestDeadline_(requestDeadlineMs),
        cors_(std::move(cors)),
        openAiErrors_(std::move(openAiErrors)),
        streamBufferBytes_(streamBufferBytes),
        userStreams_(userStreams) {}

  void handle(http::Request& request, http::Response& response, http::Exchange& exchange) override;

 private:
  void serve(http::Request& request, http::Response& response, http::Exchange& exchange);
  // A browser's CORS preflight, answered by the host for every route.
  void preflight(const std::string& path, const lifecycle::RouteTable& table,
                 http::Request& request, http::Response& response, http::Exchange& exchange,
                 const std::vector<std::string>& segments);
  // /health, /ready, /metrics and the push endpoints.
  void serveHostPath(const http::HostPath& own, std::string_view query, http::Request& request,
                     http::Response& response, http::Exchange& exchange);

  lifecycle::PluginManager& plugins_;
  metrics::Metrics& metrics_;
  const resources::Readiness& readiness_;
  auth::AuthService& auth_;
  uint64_t maxResponseBytes_;
  std::vector<std::string> trustedProxies_;
  std::chrono::milliseconds requestDeadline_;
  http::Cors cors_;
  http::OpenAiErrors openAiErrors_;
  uint64_t streamBufferBytes_;
  push::UserStreams& userStreams_;
};

}  // namespace portico::app
