#include "app/PublicHandler.h"

#include <sstream>

#include "auth/AuthService.h"
#include "http/ErrorResponse.h"
#include "http/RequestTarget.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "plugins/AbiGlue.h"
#include "plugins/PluginCall.h"
#include "plugins/PluginManager.h"
#include "portico/json.hpp"
#include "resources/Readiness.h"

namespace portico::app {

bool PublicHandler::handleBuiltin(const std::string& path, http::Request& request,
                                  http::Response& response, http::Exchange& exchange) {
  if (path != "/health" && path != "/ready" && path != "/metrics") return false;
  exchange.route = path;
  if (request.method() != "GET" && request.method() != "HEAD") {
    response.set("Allow", "GET, HEAD");
    http::sendError(response, 405, std::string(request.method()) + " is not allowed on " + path,
                    exchange.requestId);
    return true;
  }
  if (path == "/health") {
    http::sendJson(response, 200, R"({"status":"ok"})");
  } else if (path == "/ready") {
    // What is down, not why: the reasons (driver text) are on /admin/ready and in the log.
    auto report = readiness_.check(false);
    report.body.set("plugins", json::object({{"loaded", plugins_.activeCount()}}));
    http::sendJson(response, report.ok ? 200 : 503, report.body.dump());
  } else {
    response.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = metrics_.render();
  }
  return true;
}

void PublicHandler::handle(http::Request& request, http::Response& response,
                           http::Exchange& exchange) {
  http::RequestTarget target;
  if (auto error = http::parseTarget(request.target(), target)) {
    http::sendError(response, 400, *error, exchange.requestId);
    return;
  }
  if (handleBuiltin(target.path, request, response, exchange)) return;

  std::shared_ptr<const plugins::RouteTable> table = plugins_.routes();
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
  plugins::Generation& generation = *route.generation;
  exchange.route = route.spec->path.pattern();
  exchange.plugin = generation.name();

  auth::AuthOutcome who =
      auth_.authenticate({request.header("Authorization"), request.header("X-Service-Token")},
                         route.spec->auth, route.spec->scopes);
  if (who.status != 0) {
    if (!who.challenge.empty()) response.set("WWW-Authenticate", who.challenge);
    http::sendError(response, who.status, who.message, exchange.requestId);
    return;
  }

  std::ostringstream body;
  if (auto error = request.readBody(route.spec->maxBodyBytes, body)) {
    http::sendError(response, error->status, error->message + " on " + exchange.route,
                    exchange.requestId);
    return;
  }
  std::string bodyText = body.str();

  portico_request preq;
  preq.method = request.method();
  preq.path = target.path;
  preq.query = target.query;
  preq.id = exchange.requestId;
  preq.body = bodyText;
  preq.params = &match.params;
  preq.http = &request;
  preq.principal = who.principal.get();
  preq.trustedProxies = &trustedProxies_;
  portico_response pres;
  pres.maxBytes = maxResponseBytes_;
  plugins::CallOutcome out = callPlugin(
      generation, preq.method, exchange.route, exchange.requestId,
      [&](portico_error* err) { return route.spec->handler(route.spec->data, &preq, &pres, err); });
  if (out.status != PORTICO_OK) {
    if (out.escaped) metrics_.countEscapedException(generation.name());
    log::get("plugin." + generation.name())
        ->error("handler for {} {} failed with status {}: {}", preq.method, exchange.route,
                static_cast<int>(out.status), out.message);
    http::sendError(response, 500, "internal error in plugin '" + generation.name() + "'",
                    exchange.requestId);
    return;
  }
  if (pres.status < 200) {
    log::get("plugin." + generation.name())
        ->error("handler for {} {} answered the informational status {} as its final one",
                preq.method, exchange.route, pres.status);
    http::sendError(response, 500, "internal error in plugin '" + generation.name() + "'",
                    exchange.requestId);
    return;
  }
  response.status = static_cast<int>(pres.status);
  response.headers = std::move(pres.headers);
  if (!response.has("Content-Type")) response.set("Content-Type", "application/json");
  response.body = std::move(pres.body);
}

}  // namespace portico::app
