// The public listener's request path: parse the target, answer the host's own endpoints
// (/health, /ready, /metrics), otherwise route to a plugin through the current route table.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "http/Exchange.h"

namespace portico::metrics {
class Metrics;
}
namespace portico::plugins {
class PluginManager;
}
namespace portico::resources {
class Resources;
}
namespace portico::auth {
class AuthService;
}

namespace portico::app {

class PublicHandler : public http::Handler {
 public:
  // trustedProxies: peers whose X-Forwarded-For is believed (http.trusted_proxies).
  PublicHandler(plugins::PluginManager& plugins, metrics::Metrics& metrics,
                resources::Resources& resources, auth::AuthService& auth, uint64_t maxResponseBytes,
                std::vector<std::string> trustedProxies)
      : plugins_(plugins),
        metrics_(metrics),
        resources_(resources),
        auth_(auth),
        maxResponseBytes_(maxResponseBytes),
        trustedProxies_(std::move(trustedProxies)) {}

  void handle(http::Request& request, http::Response& response, http::Exchange& exchange) override;

  // /ready answers 200 only after start-up has loaded the plugin dir and while every configured
  // service (PostgreSQL, Redis) answers.
  void setReady(bool ready) { ready_ = ready; }

 private:
  bool handleBuiltin(const std::string& path, http::Request& request, http::Response& response,
                     http::Exchange& exchange);

  plugins::PluginManager& plugins_;
  metrics::Metrics& metrics_;
  resources::Resources& resources_;
  auth::AuthService& auth_;
  uint64_t maxResponseBytes_;
  std::vector<std::string> trustedProxies_;
  std::atomic<bool> ready_{false};
};

}  // namespace portico::app
