// SPDX-License-Identifier: Apache-2.0
#include "http/Cors.h"

#include <algorithm>

#include "common/IgnoreCase.h"
#include "config/Config.h"
#include "http/ErrorResponse.h"
#include "http/Origins.h"

namespace portico::http {

CorsOptions CorsOptions::fromConfig(const config::Config& cfg) {
  CorsOptions o;
  o.allowedOrigins = readOrigins(cfg, "http.cors.allowed_origins");
  o.webSocketOrigins = readOrigins(cfg, "push.allowed_origins");
  if (o.webSocketOrigins.empty()) o.webSocketOrigins = o.allowedOrigins;
  o.allowCredentials = cfg.getBool("http.cors.allow_credentials");
  bool any =
      std::find(o.allowedOrigins.begin(), o.allowedOrigins.end(), "*") != o.allowedOrigins.end();
  if (any && o.allowCredentials) {
    throw config::ConfigError(
        "http.cors.allowed_origins = * cannot go with http.cors.allow_credentials = true: name "
        "the origins");
  }
  o.allowedHeaders = cfg.getString("http.cors.allowed_headers");
  o.exposedHeaders = cfg.getString("http.cors.exposed_headers");
  o.maxAgeSeconds = static_cast<int>(cfg.getInt("http.cors.max_age_s", 0, 86400));
  return o;
}

bool Cors::isPreflight(const Request& request) {
  return request.method() == "OPTIONS" && request.header("Origin") &&
         request.header("Access-Control-Request-Method");
}

std::optional<std::string> Cors::allowedOrigin(std::string_view origin) const {
  const auto& list = options_.allowedOrigins;
  if (std::find(list.begin(), list.end(), common::toLowerAscii(origin)) != list.end()) {
    return std::string(origin);
  }
  if (std::find(list.begin(), list.end(), "*") != list.end()) return std::string("*");
  return std::nullopt;
}

std::optional<std::string> Cors::webSocketRefusal(const Request& upgrade) const {
  auto origin = upgrade.header("Origin");
  if (!origin || originListed(options_.webSocketOrigins, *origin)) return std::nullopt;
  size_t sep = origin->find("://");
  auto host = upgrade.header("Host");
  if (sep != std::string_view::npos && host &&
      common::toLowerAscii(origin->substr(sep + 3)) == common::toLowerAscii(*host)) {
    return std::nullopt;
  }
  return "a WebSocket from origin " + std::string(*origin) +
         " is not allowed: add it to push.allowed_origins";
}

void Cors::addGrant(const std::string& origin, Response& response) const {
  response.set("Access-Control-Allow-Origin", origin);
  // Caches must not hand one origin's grant to another.
  if (origin != "*") response.add("Vary", "Origin");
  if (options_.allowCredentials) response.set("Access-Control-Allow-Credentials", "true");
}

void Cors::preflight(const Request& request, std::string_view methods, std::string_view requestId,
                     Response& response) const {
  std::string_view origin = *request.header("Origin");
  auto allowed = allowedOrigin(origin);
  if (!allowed) {
    sendError(response, 403, "origin " + std::string(origin) + " is not allowed", requestId);
    return;
  }
  response.status = 204;
  addGrant(*allowed, response);
  response.set("Access-Control-Allow-Methods", methods);
  if (!options_.allowedHeaders.empty()) {
    response.set("Access-Control-Allow-Headers", options_.allowedHeaders);
  }
  response.set("Access-Control-Max-Age", std::to_string(options_.maxAgeSeconds));
}

void Cors::grant(const Request& request, Response& response) const {
  auto origin = request.header("Origin");
  if (!origin) return;
  auto allowed = allowedOrigin(*origin);
  if (!allowed) return;
  addGrant(*allowed, response);
  if (!options_.exposedHeaders.empty()) {
    response.set("Access-Control-Expose-Headers", options_.exposedHeaders);
  }
}

}  // namespace portico::http
