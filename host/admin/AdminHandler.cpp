// SPDX-License-Identifier: Apache-2.0
#include "admin/AdminHandler.h"

#include <Poco/File.h>

#include <fstream>
#include <sstream>

#include "auth/AuthService.h"
#include "common/Names.h"
#include "http/ErrorResponse.h"
#include "http/RequestTarget.h"
#include "http/TlsListeners.h"
#include "lifecycle/PluginManager.h"
#include "lifecycle/StagedInstall.h"
#include "log/Logging.h"
#include "portico/json.hpp"
#include "resources/Readiness.h"

namespace portico::admin {
namespace {

constexpr uint64_t kMaxServiceTokenRequest = 4096;

// Takes the same time wherever the strings differ (only the length can leak).
bool constantTimeEquals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string resultJson(const lifecycle::PluginManager::Result& r) {
  return json::object({{"ok", r.ok},
                       {"plugin", r.name},
                       {"version", r.version},
                       {"generation", r.generation},
                       {"message", r.message}})
      .dump();
}

void sendResult(http::Response& response, const lifecycle::PluginManager::Result& r,
                const http::Exchange& exchange) {
  if (r.ok) {
    http::sendJson(response, 200, resultJson(r));
  } else {
    http::sendError(response, r.httpStatus, r.message, exchange.requestId);
  }
}

}  // namespace

AdminHandler::AdminHandler(lifecycle::PluginManager& plugins, auth::AuthService& auth,
                           const resources::Readiness& readiness, std::string token,
                           uint64_t maxUploadBytes, fleet::RolloutStore* rollouts,
                           fleet::RolloutAgent* agent)
    : plugins_(plugins),
      auth_(auth),
      readiness_(readiness),
      token_(std::move(token)),
      maxUploadBytes_(maxUploadBytes),
      rollouts_(rollouts),
      agent_(agent) {
  auto add = [this](const char* method, const char* path, Action action) {
    router_.add(method, *http::PathTemplate::parse(path, nullptr));
    actions_.push_back(action);
  };
  add("GET", "/admin/plugins", List);
  add("GET", "/admin/ready", Ready);
  add("POST", "/admin/plugins/{name}/reload", Reload);
  add("PUT", "/admin/plugins/{name}", Install);
  add("DELETE", "/admin/plugins/{name}", Unload);
  add("DELETE", "/admin/plugins/{name}/quarantine", LiftQuarantine);
  add("POST", "/admin/service-tokens/{name}", IssueServiceToken);
  add("POST", "/admin/service-tokens/{name}/revoke", RevokeService);
  add("PUT", "/admin/rollouts/{name}", StartRollout);
  add("GET", "/admin/rollouts", ListRollouts);
  add("GET", "/admin/rollouts/{name}", ShowRollout);
  add("GET", "/admin/tls", ShowTls);
  add("POST", "/admin/tls/reload", ReloadTls);
}

bool AdminHandler::authorized(http::Request& request, http::Response& response,
                              const http::Exchange& exchange) const {
  const std::string header(request.header("Authorization").value_or(""));
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0) {
    response.set("WWW-Authenticate", "Bearer realm=\"porticod-admin\"");
    http::sendError(response, 401, "admin API needs 'Authorization: Bearer <admin.token>'",
                    exchange.requestId);
    return false;
  }
  if (!constantTimeEquals(header.substr(prefix.size()), token_)) {
    http::sendError(response, 403, "admin token is not valid", exchange.requestId);
    return false;
  }
  return true;
}

void AdminHandler::handle(http::Request& request, http::Response& response,
                          http::Exchange& exchange) {
  exchange.plugin = "admin";
  if (!authorized(request, response, exchange)) return;
  http::RequestTarget target;
  if (auto error = http::parseTarget(request.target(), target)) {
    http::sendError(response, 400, *error, exchange.requestId);
    return;
  }
  auto match = router_.match(request.method(), target.segments);
  if (match.kind != http::Router::Match::Kind::Found) {
    if (match.kind == http::Router::Match::Kind::MethodNotAllowed)
      response.set("Allow", match.allow);
    int status = match.kind == http::Router::Match::Kind::MethodNotAllowed ? 405 : 404;
    http::sendError(response, status,
                    "no admin route " + std::string(request.method()) + " " + target.path,
                    exchange.requestId);
    return;
  }
  exchange.route = router_.routes()[match.index].path.pattern();
  std::string name = match.params.empty() ? std::string() : match.params.front().second;
  if (!name.empty() && !common::isPluginName(name)) {
    http::sendError(response, 400, "name must be 1 to 64 characters of [a-z0-9_-]",
                    exchange.requestId);
    return;
  }
  switch (actions_[match.index]) {
    case List:
      http::sendJson(response, 200, plugins_.describe().dump());
      break;
    case Ready: {
      auto report = readiness_.check(true);
      http::sendJson(response, report.ok ? 200 : 503, report.body.dump());
      break;
    }
    case Reload:
      sendResult(response, plugins_.reload(name), exchange);
      break;
    case Install:
      install(name, request, response, exchange);
      break;
    case Unload:
      unload(name, response, exchange);
      break;
    case LiftQuarantine:
      sendResult(response, plugins_.liftQuarantine(name), exchange);
      break;
    case IssueServiceToken:
      issueServiceToken(name, request, response, exchange);
      break;
    case RevokeService:
      revokeService(name, response, exchange);
      break;
    case StartRollout:
      startRollout(name, request, response, exchange);
      break;
    case ListRollouts:
    case ShowRollout:
      showRollouts(name, response, exchange);
      break;
    case ShowTls:
    case ReloadTls:
      tls(actions_[match.index], response, exchange);
      break;
  }
}

void AdminHandler::tls(Action action, http::Response& response, const http::Exchange& exchange) {
  if (tls_ == nullptr || tls_->empty()) {
    http::sendError(response, 404, "no listener of this porticod speaks TLS", exchange.requestId);
    return;
  }
  if (action == ShowTls) {
    http::sendJson(response, 200, json::object({{"listeners", tls_->describe()}}).dump());
    return;
  }
  bool ok = false;
  auto listeners = tls_->reload(&ok);
  // 422: the files on disk are what is wrong; the certificate served before still serves.
  http::sendJson(response, ok ? 200 : 422,
                 json::object({{"ok", ok}, {"listeners", std::move(listeners)}}).dump());
}

void AdminHandler::install(const std::string& name, http::Request& request,
                           http::Response& response, http::Exchange& exchange) {
  std::string staged = lifecycle::stagedPath(plugins_, name);
  if (!receiveUpload(request, staged, response, exchange)) return;
  sendResult(response, lifecycle::installStaged(plugins_, name, staged, uploadedSignature(request)),
             exchange);
}

std::optional<std::string> AdminHandler::uploadedSignature(const http::Request& request) {
  // The signature document of a signed upload (lifecycle/PluginSignature.h), on one line:
  // porticoctl sends <file>.so.sig along.
  auto signature = request.header("X-Portico-Signature");
  return signature ? std::optional<std::string>(*signature) : std::nullopt;
}

bool AdminHandler::receiveUpload(http::Request& request, const std::string& path,
                                 http::Response& response, const http::Exchange& exchange) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    http::sendError(response, 500, "cannot write to the plugin dir " + plugins_.dir(),
                    exchange.requestId);
    return false;
  }
  if (auto error = request.readBody(maxUploadBytes_, out)) {
    out.close();
    std::remove(path.c_str());
    http::sendError(response, error->status,
                    error->status == 413 ? "plugin upload exceeds admin.max_upload_bytes = " +
                                               std::to_string(maxUploadBytes_)
                                         : error->message,
                    exchange.requestId);
    return false;
  }
  return true;
}

void AdminHandler::unload(const std::string& name, http::Response& response,
                          const http::Exchange& exchange) {
  sendResult(response, lifecycle::uninstall(plugins_, name), exchange);
}

void AdminHandler::issueServiceToken(const std::string& name, http::Request& request,
                                     http::Response& response, http::Exchange& exchange) {
  std::ostringstream body;
  if (auto error = request.readBody(kMaxServiceTokenRequest, body)) {
    http::sendError(response, error->status, error->message, exchange.requestId);
    return;
  }
  try {
    json::Value options = body.str().empty() ? json::object({}) : json::parse(body.str());
    if (!options.is_object()) throw auth::TokenError("body must be a JSON object");
    json::Value claims = json::object({{"sub", "service:" + name}, {"svc", name}});
    int64_t ttl = 0;
    for (const auto& [key, value] : options.as_object()) {
      if (key == "scope" && value.is_string()) {
        claims.set("scope", value);
      } else if (key == "ttl_s" && value.is_int() && value.as_int() > 0) {
        ttl = value.as_int();
      } else {
        throw auth::TokenError("unknown or malformed field '" + key +
                               "' (scope: string, ttl_s: positive integer)");
      }
    }
    auto issued = auth_.issue(std::move(claims), ttl, auth::TokenUse::Service);
    http::sendJson(response, 201,
                   json::object({{"service", name},
                                 {"token", issued.token},
                                 {"token_id", issued.id},
                                 {"expires_at", issued.expiresAt}})
                       .dump());
  } catch (const json::ParseError& e) {
    http::sendError(response, 400, std::string("body is not JSON: ") + e.what(),
                    exchange.requestId);
  } catch (const auth::TokenError& e) {
    http::sendError(response, 400, e.what(), exchange.requestId);
  } catch (const auth::KeyError& e) {
    http::sendError(response, 503, e.what(), exchange.requestId);
  }
}

void AdminHandler::revokeService(const std::string& name, http::Response& response,
                                 const http::Exchange& exchange) {
  try {
    auth_.revokeSubject("service:" + name);
    http::sendJson(response, 200, json::object({{"service", name}, {"revoked", true}}).dump());
  } catch (const std::exception& e) {
    http::sendError(response, 503, e.what(), exchange.requestId);
  }
}

}  // namespace portico::admin
