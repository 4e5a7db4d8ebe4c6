/* SPDX-License-Identifier: Apache-2.0 */
// The host's side of plugin.h: the definitions of the opaque handles and the function table
// handed to every plugin. Every function in the table catches everything: no exception may
// unwind through a plugin's frames.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "abi/Registrations.h"
#include "abi/Streams.h"
#include "http/Request.h"
#include "http/Router.h"
#include "portico/plugin.h"

#include "abi/CallScope.h"

namespace portico::abi {
struct HostServices;
class LeaseRegistry;
struct PluginContext;
}  // namespace portico::abi
namespace portico::auth {
struct Principal;
}

// What a plugin holds to reach the host: its generation's own context (handed to init, valid
// until destroy), or the context of one call into it (ABI 1.3: request_ctx, and the ctx the
// *_ctx event and job handlers receive; valid while that call runs). Leases taken through a
// call's context belong to that call, whichever thread takes them, and its log lines carry the
// call's id; through the generation's they belong to the generation (reclaimed at drain).
struct portico_host_ctx {
  portico::abi::PluginContext* plugin;
  const portico::abi::CallScope* scope;  // null: the generation's own context
};

namespace portico::abi {

// One generation of a plugin: what its init received and what it registered.
struct PluginContext {
  std::string pluginName;
  std::shared_ptr<spdlog::logger> logger;
  const HostServices* services = nullptr;
  LeaseRegistry* leases = nullptr;
  bool acceptingRoutes = false;  // only during init: routes, subscriptions, job handlers
  Registrations registered;
  std::mutex configMutex;
  std::map<std::string, std::string> configValues;  // keeps returned views alive until destroy
  // Set when the generation is retired: its drain deadline (steady-clock ns), by which its
  // outbound calls are cut off. 0 while it serves.
  std::atomic<int64_t> outboundCutoff{0};
  StreamRegistry streams;  // closed at the drain deadline
  // component_state: what the generation said of its components, for /ready.
  mutable std::mutex componentsMutex;
  std::map<std::string, std::string> components;
  portico_host_ctx ctx{this, nullptr};  // the one init receives
};

}  // namespace portico::abi

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
  portico_host_ctx* call = nullptr;  // this request's context (request_ctx)
  std::string_view traceparent;      // the request's: its client's, or one the host made
  // A route with PORTICO_ROUTE_STREAM_BODY: where request_body_read reads, up to bodyLimit;
  // null otherwise. The first read error is kept: the host answers it instead of the plugin.
  portico::http::Request* bodySource = nullptr;
  uint64_t bodyLimit = 0;
  mutable std::optional<portico::http::HttpError> bodyError;
  mutable std::string clientIp;             // worked out on first request_client_ip
  mutable std::deque<std::string> scratch;  // decoded query values handed out during the call
};

struct portico_response {
  uint32_t status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  size_t maxBytes = 0;
  const portico::abi::StreamOrigin* origin = nullptr;  // what a stream made here needs
  std::shared_ptr<portico::http::Stream> stream;       // set by response_stream/_websocket
  bool refusedWebSocket = false;  // response_websocket on a request that is no upgrade
};

namespace portico::abi {

// The table every plugin receives; static, valid for the life of the process.
const portico_host_api* hostApi();

}  // namespace portico::abi
