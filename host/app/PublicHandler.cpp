// SPDX-License-Identifier: Apache-2.0
#include "app/PublicHandler.h"

#include <sstream>

#include "auth/AuthService.h"
#include "common/BuildInfo.h"
#include "dispatch/Dispatch.h"
#include "http/Cors.h"
#include "http/ErrorResponse.h"
#include "http/HostPaths.h"
#include "http/RequestTarget.h"
#include "lifecycle/PluginManager.h"
#include "metrics/Metrics.h"
#include "portico/json.hpp"
#include "push/UserStreams.h"
#include "resources/Readiness.h"

namespace portico::app {

void PublicHandler::serveHostPath(const http::HostPath& own, std::string_view query,
                                  http::Request& request, http::Response& response,
                                  http::Exchange& exchange) {
  exchange.route = std::string(own.path);
  if (!http::allowsMethod(own, request.method())) {
    response.set("Allow", std::string(own.methods));
    return http::sendError(response, 405,
                           std::string(request.method()) + " is not allowed on " + exchange.route,
                           exchange.requestId);
  }
  if (own.path == http::kPushTicketPath)
    return userStreams_.issueTicket(request, response, exchange);
  if (own.path == http::kPushStreamPath) {
    return userStreams_.open(request, query, response, exchange);
  }
  if (own.path == "/health") {
    http::sendJson(response, 200,
                   json::object({{"status", "ok"},
                                 {"version", common::buildVersion()},
                                 {"commit", common::buildCommit()},
                                 {"abi", common::buildAbi()}})
                       .dump());
  } else if (own.path == "/ready") {
    // What is down, not why: the reasons (driver text) are on /admin/ready and in the log.
    auto report = readiness_.check(false);
    report.body.set("plugins", json::object({{"loaded", plugins_.activeCount()},
                                             {"components", plugins_.componentStates()}}));
    http::sendJson(response, report.ok ? 200 : 503, report.body.dump());
  } else {
    response.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = metrics_.render();
  }
}

void PublicHandler::handle(http::Request& request, http::Response& response,
                           http::Exchange& exchange) {
  serve(request, response, exchange);
  openAiErrors_.apply(request.target(), response);
  // Errors too: a page on another origin can then read why its call failed.
  cors_.grant(request, response);
}

void PublicHandler::serve(http::Request& request, http::Response& response,
                          http::Exchange& exchange) {
  http::RequestTarget target;
  if (auto error = http::parseTarget(request.target(), target)) {
    http::sendError(response, 400, *error, exchange.requestId);
    return;
  }
  std::shared_ptr<const lifecycle::RouteTable> table = plugins_.routes();
  if (http::Cors::isPreflight(request))
    return preflight(target.path, *table, request, response, exchange, target.segments);
  if (http::isWebSocketUpgrade(request)) {
    if (auto refused = cors_.webSocketRefusal(request)) {
      return http::sendError(response, 403, *refused, exchange.requestId);
    }
  }
  if (const http::HostPath* own = http::findHostPath(target.path)) {
    return serveHostPath(*own, target.query, request, response, exchange);
  }

  http::Router::Match match = table->router.match(request.method(), target.segments);
  if (match.kind != http::Router::Match::Kind::Found) {
    if (match.kind == http::Router::Match::Kind::MethodNotAllowed) {
      response.set("Allow", match.allow);
      http::sendError(response, 405,
                      std::string(request.method()) + " is not allowed on " + target.path,
                      exchange.requestId);
    } else {
      http::sendError(response, 404, "no route for " + target.path, exchange.requestId);
    }
    return;
  }

  const auto& route = table->targets[match.index];
  exchange.route = route.spec->path.pattern();
  exchange.plugin = route.generation->name();

  auth::AuthOutcome who =
      auth_.authenticate({request.header("Authorization"), request.header("X-Service-Token")},
                         route.spec->auth, route.spec->scopes);
  if (who.status != 0) {
    return http::sendRefusal(response, who.status, who.message, who.challenge, exchange.requestId);
  }

  std::ostringstream body;
  if (!route.spec->streamBody) {
    if (auto error = request.readBody(route.spec->maxBodyBytes, body)) {
      http::sendError(response, error->status, error->message + " on " + exchange.route,
                      exchange.requestId);
      return;
    }
  }
  std::string bodyText = body.str();
  dispatch::callRoute(route,
                      {request, target.path, target.query, exchange.requestId, bodyText,
                       match.params, who.principal.get(), trustedProxies_, maxResponseBytes_,
                       std::chrono::steady_clock::now() + requestDeadline_, exchange.traceparent,
                       http::isWebSocketUpgrade(request),
                       route.spec->streamBody ? &request : nullptr, streamBufferBytes_},
                      response, metrics_);
}

void PublicHandler::preflight(const std::string& path, const lifecycle::RouteTable& table,
                              http::Request& request, http::Response& response,
                              http::Exchange& exchange, const std::vector<std::string>& segments) {
  exchange.route = "preflight";
  const http::HostPath* own = http::findHostPath(path);
  std::string methods =
      own != nullptr ? std::string(own->methods) : table.router.allowedMethods(segments);
  if (methods.empty()) {
    http::sendError(response, 404, "no route for " + path, exchange.requestId);
    return;
  }
  cors_.preflight(request, methods, exchange.requestId, response);
}

}  // namespace portico::app
