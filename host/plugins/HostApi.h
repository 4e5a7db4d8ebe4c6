// The host's side of plugin.h: the definitions of the opaque handles and the function table
// handed to every plugin. Every function in the table catches everything: no exception may
// unwind through a plugin's frames.
#pragma once

#include <spdlog/logger.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/Request.h"
#include "http/Router.h"
#include "portico/plugin.h"

namespace portico::config {
class Config;
}
namespace portico::plugins {
struct RouteSpec;
struct SubscriptionSpec;
struct JobHandlerSpec;
class LeaseRegistry;
}  // namespace portico::plugins
namespace portico::resources {
class Resources;
}
namespace portico::bus {
class EventBus;
}
namespace portico::jobs {
class JobQueue;
}
namespace portico::auth {
class AuthService;
struct Principal;
}  // namespace portico::auth

struct portico_host_ctx {
  std::string pluginName;
  std::shared_ptr<spdlog::logger> logger;
  const portico::config::Config* config = nullptr;
  uint64_t defaultMaxBody = 0;
  portico::resources::Resources* resources = nullptr;  // null when no pools exist (tests)
  portico::plugins::LeaseRegistry* leases = nullptr;
  portico::bus::EventBus* events = nullptr;  // null without Redis
  portico::jobs::JobQueue* jobs = nullptr;   // null without Redis
  portico::auth::AuthService* auth = nullptr;
  bool acceptingRoutes = false;  // only during init: routes, subscriptions, job handlers
  std::vector<portico::plugins::RouteSpec> routes;
  std::vector<portico::plugins::SubscriptionSpec> subscriptions;
  std::vector<portico::plugins::JobHandlerSpec> jobHandlers;
  std::mutex configMutex;
  std::map<std::string, std::string> configValues;  // keeps returned views alive until destroy
};

struct portico_request {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::string_view id;
  std::string_view body;
  const portico::http::Params* params = nullptr;
  const portico::http::Request* http = nullptr;
  const portico::auth::Principal* principal = nullptr;  // null: anonymous
  const std::vector<std::string>* trustedProxies = nullptr;
  mutable std::string clientIp;             // worked out on first request_client_ip
  mutable std::deque<std::string> scratch;  // decoded query values handed out during the call
};

struct portico_response {
  uint32_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  size_t maxBytes = 0;
};

namespace portico::plugins {

// The table every plugin receives; static, valid for the life of the process.
const portico_host_api* hostApi();

}  // namespace portico::plugins
