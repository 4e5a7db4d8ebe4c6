#include "app/PublicHandler.h"

#include <sstream>

#include "auth/AuthService.h"
#include "http/Body.h"
#include "http/ErrorResponse.h"
#include "http/RequestTarget.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "plugins/AbiGlue.h"
#include "plugins/PluginManager.h"
#include "portico/json.hpp"
#include "resources/Resources.h"

namespace portico::app {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

bool PublicHandler::handleBuiltin(const std::string& path, HTTPServerRequest& request,
                                  HTTPServerResponse& response, http::Exchange& exchange) {
  if (path != "/health" && path != "/ready" && path != "/metrics") return false;
  exchange.route = path;
  if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
    response.set("Allow", "GET, HEAD");
    http::sendError(response, 405, request.getMethod() + " is not allowed on " + path,
                    exchange.requestId);
    return true;
  }
  if (path == "/health") {
    http::sendJson(response, 200, R"({"status":"ok"})");
  } else if (path == "/ready") {
    bool ok = ready_.load();
    json::Array checks;
    for (const auto& p : resources_.probe()) {
      ok = ok && p.ok;
      auto check = json::object(
          {{"name", p.name}, {"status", p.ok ? "up" : "down"}, {"latency_ms", p.latencyMs}});
      if (!p.ok) check.set("error", p.error);
      checks.push_back(std::move(check));
    }
    auto body = json::object({{"status", ok ? "ready" : "not ready"},
                              {"started", ready_.load()},
                              {"plugins", json::object({{"loaded", plugins_.activeCount()}})},
                              {"services", json::Value(std::move(checks))}});
    http::sendJson(response, ok ? 200 : 503, body.dump());
  } else {
    std::string text = metrics_.render();
    response.setContentType("text/plain; version=0.0.4; charset=utf-8");
    response.sendBuffer(text.data(), text.size());
  }
  return true;
}

void PublicHandler::handle(HTTPServerRequest& request, HTTPServerResponse& response,
                           http::Exchange& exchange) {
  http::RequestTarget target;
  if (auto error = http::parseTarget(request.getURI(), target)) {
    http::sendError(response, 400, *error, exchange.requestId);
    return;
  }
  if (handleBuiltin(target.path, request, response, exchange)) return;

  std::shared_ptr<const plugins::RouteTable> table = plugins_.routes();
  http::Router::Match match = table->router.match(request.getMethod(), target.segments);
  if (match.kind != http::Router::Match::Kind::Found) {
    if (match.kind == http::Router::Match::Kind::MethodNotAllowed) {
      response.set("Allow", match.allow);
      http::sendError(response, 405, request.getMethod() + " is not allowed on " + target.path,
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

  auth::AuthOutcome who = auth_.authenticate(request, route.spec->auth, route.spec->scopes);
  if (who.status != 0) {
    if (!who.challenge.empty()) response.set("WWW-Authenticate", who.challenge);
    http::sendError(response, who.status, who.message, exchange.requestId);
    return;
  }

  std::ostringstream body;
  if (http::readBody(request, route.spec->maxBodyBytes, body, exchange) ==
      http::BodyResult::TooLarge) {
    http::sendError(response, 413,
                    "request body exceeds " + std::to_string(route.spec->maxBodyBytes) +
                        " bytes allowed on " + exchange.route,
                    exchange.requestId);
    return;
  }
  std::string bodyText = body.str();

  portico_request preq;
  preq.method = request.getMethod();
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
  plugins::ErrorBuffer e;
  portico_status status;
  {
    plugins::Generation::Call call(generation);
    plugins::RequestLeaseScope leases(generation.leases());
    status = route.spec->handler(route.spec->data, &preq, &pres, &e.err);
  }
  if (status != PORTICO_OK) {
    log::get("plugin." + generation.name())
        ->error("handler for {} {} failed with status {}: {}", preq.method, exchange.route,
                static_cast<int>(status), e.message());
    http::sendError(response, 500, "internal error in plugin '" + generation.name() + "'",
                    exchange.requestId);
    return;
  }
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(pres.status));
  bool contentType = false;
  for (const auto& [name, value] : pres.headers) {
    if (Poco::icompare(name, "Content-Type") == 0) contentType = true;
    response.add(name, value);
  }
  if (!contentType) response.setContentType("application/json");
  response.sendBuffer(pres.body.data(), pres.body.size());
}

}  // namespace portico::app
