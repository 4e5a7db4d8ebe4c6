// SPDX-License-Identifier: Apache-2.0
#include "http/Cors.h"

#include <algorithm>

#include "common/IgnoreCase.h"
#include "config/Config.h"
#include "http/ErrorResponse.h"

namespace portico::http {

namespace {

// scheme "://" host [":" port], nothing after: what a browser sends as Origin.
bool isOrigin(std::string_view s) {
  size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  std::string_view rest = s.substr(sep + 3);
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

CorsOptions CorsOptions::fromConfig(const config::Config& cfg) {
  CorsOptions o;
  for (const auto& origin : cfg.getList("http.cors.allowed_origins")) {
    std::string lower = common::toLowerAscii(origin);
    if (lower != "*" && !isOrigin(lower)) {
      throw config::ConfigError("http.cors.allowed_origins: '" + origin +
                                "' is not an origin (scheme://host[:port], no path)");
    }
    o.allowedOrigins.push_back(lower);
  }
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
  std::string lower = common::toLowerAscii(origin);
  for (const auto& allowed : options_.allowedOrigins) {
    if (allowed == "*") return std::string("*");
    if (allowed == lower) return std::string(origin);
  }
  return std::nullopt;
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
