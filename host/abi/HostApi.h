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

#include "abi/Registrations.h"
#include "http/Request.h"
#include "http/Router.h"
#include "portico/plugin.h"

namespace portico::abi {
struct HostServices;
class LeaseRegistry;
}  // namespace portico::abi
namespace portico::auth {
struct Principal;
}

// One generation of a plugin: what its init received and what it registered.
struct portico_host_ctx {
  std::string pluginName;
  std::shared_ptr<spdlog::logger> logger;
  const portico::abi::HostServices* services = nullptr;
  portico::abi::LeaseRegistry* leases = nullptr;
  bool acceptingRoutes = false;  // only during init: routes, subscriptions, job handlers
  portico::abi::Registrations registered;
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

namespace portico::abi {

// The table every plugin receives; static, valid for the life of the process.
const portico_host_api* hostApi();

}  // namespace portico::abi
