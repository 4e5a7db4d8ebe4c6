/* SPDX-License-Identifier: Apache-2.0 */
// What a plugin registers during init (routes, event subscriptions, job handlers), as the host
// keeps it. Every pointer is into the plugin's library: valid until its generation closes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "http/Router.h"
#include "portico/plugin.h"

namespace portico::abi {

struct RouteSpec {
  std::string method;
  http::PathTemplate path;
  portico_handler_fn handler;
  void* data;
  uint64_t maxBodyBytes;
  portico_auth_mode auth = PORTICO_AUTH_PUBLIC;
  std::vector<std::string> scopes;
  bool streamBody = false;  // PORTICO_ROUTE_STREAM_BODY: the handler reads the body
};

// Event and job handlers come in two forms: the 1.1 ones, and the 1.3 ones that also receive
// their call's context; exactly one of handler and ctxHandler is set.
struct SubscriptionSpec {
  std::string pattern;
  portico_event_fn handler;
  void* data;
  portico_event_ctx_fn ctxHandler = nullptr;
};

struct JobHandlerSpec {
  std::string queue;
  portico_job_fn handler;
  void* data;
  portico_job_ctx_fn ctxHandler = nullptr;
};

struct Registrations {
  std::vector<RouteSpec> routes;
  std::vector<SubscriptionSpec> subscriptions;
  std::vector<JobHandlerSpec> jobHandlers;
  void clear() {
    routes.clear();
    subscriptions.clear();
    jobHandlers.clear();
  }
};

}  // namespace portico::abi
