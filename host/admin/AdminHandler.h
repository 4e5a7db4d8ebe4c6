/* SPDX-License-Identifier: Apache-2.0 */
// The operator's API, served on its own listener (default 127.0.0.1:8081) behind a bearer token:
//   GET    /admin/plugins                 every plugin, its generations and routes
//   GET    /admin/ready                   /ready with the reason each service is down
//   POST   /admin/plugins/{name}/reload   load the plugin's file again
//   PUT    /admin/plugins/{name}          body = the .so: install or upgrade
//   DELETE /admin/plugins/{name}          unload and remove its file from the plugin dir
//   DELETE /admin/plugins/{name}/quarantine   let a version that crashed the process load again
//   POST   /admin/service-tokens/{name}   body {"scope": "a b", "ttl_s": N}: a token for the
//                                         service `name` to send as X-Service-Token
//   POST   /admin/service-tokens/{name}/revoke   refuse every token issued to it so far
//   PUT    /admin/rollouts/{name}         body = the .so: roll it out to every porticod sharing
//                                         this one's Redis, this one first (fleet/RolloutStore.h)
//   GET    /admin/rollouts[/{name}]       each rollout's state and every host's report
//   GET    /admin/tls                     the certificate each TLS listener serves
//   POST   /admin/tls/reload              read every TLS listener's certificate and key again
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/Exchange.h"
#include "http/Router.h"

namespace portico::lifecycle {
class PluginManager;
}
namespace portico::auth {
class AuthService;
}

namespace portico::http {
class TlsListeners;
}
namespace portico::resources {
class Readiness;
}
namespace portico::fleet {
class RolloutStore;
class RolloutAgent;
}  // namespace portico::fleet

namespace portico::admin {

class AdminHandler : public http::Handler {
 public:
  // token must not be empty (the app refuses to start the admin listener without one).
  // rollouts and agent are null without Redis (the rollout routes then answer 503).
  AdminHandler(lifecycle::PluginManager& plugins, auth::AuthService& auth,
               const resources::Readiness& readiness, std::string token, uint64_t maxUploadBytes,
               fleet::RolloutStore* rollouts, fleet::RolloutAgent* agent);

  // The TLS listeners the /admin/tls routes act on (none until set: they answer 404).
  void setTlsListeners(http::TlsListeners* listeners) { tls_ = listeners; }

  void handle(http::Request& request, http::Response& response, http::Exchange& exchange) override;

 private:
  enum Action {
    List,
    Ready,
    Reload,
    Install,
    Unload,
    LiftQuarantine,
    IssueServiceToken,
    RevokeService,
    StartRollout,
    ListRollouts,
    ShowRollout,
    ShowTls,
    ReloadTls
  };

  bool authorized(http::Request& request, http::Response& response,
                  const http::Exchange& exchange) const;
  void install(const std::string& name, http::Request& request, http::Response& response,
               http::Exchange& exchange);
  static std::optional<std::string> uploadedSignature(const http::Request& request);
  // The request body into `path`; false (answered) when it cannot be had.
  bool receiveUpload(http::Request& request, const std::string& path, http::Response& response,
                     const http::Exchange& exchange) const;
  void unload(const std::string& name, http::Response& response, const http::Exchange& exchange);
  void issueServiceToken(const std::string& name, http::Request& request, http::Response& response,
                         http::Exchange& exchange);
  void revokeService(const std::string& name, http::Response& response,
                     const http::Exchange& exchange);
  void tls(Action action, http::Response& response, const http::Exchange& exchange);
  // AdminRollouts.cpp
  void startRollout(const std::string& name, http::Request& request, http::Response& response,
                    http::Exchange& exchange);
  void showRollouts(const std::string& name, http::Response& response,
                    const http::Exchange& exchange);

  lifecycle::PluginManager& plugins_;
  auth::AuthService& auth_;
  const resources::Readiness& readiness_;
  std::string token_;
  uint64_t maxUploadBytes_;
  fleet::RolloutStore* rollouts_;
  fleet::RolloutAgent* agent_;
  http::TlsListeners* tls_ = nullptr;
  http::Router router_;
  std::vector<Action> actions_;  // parallel to router_.routes()
};

}  // namespace portico::admin
