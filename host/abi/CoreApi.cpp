// SPDX-License-Identifier: Apache-2.0
// The 1.0 core of the host's function table: logging, config, routes, the request and the
// response.
#include <optional>
#include <string>

#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "auth/AuthService.h"
#include "common/HeaderRules.h"
#include "common/IgnoreCase.h"
#include "config/Config.h"
#include "http/RequestTarget.h"
#include "log/Logging.h"

namespace portico::abi {
namespace {

spdlog::level::level_enum toSpdlog(portico_log_level level) {
  switch (level) {
    case PORTICO_LOG_TRACE:
      return spdlog::level::trace;
    case PORTICO_LOG_DEBUG:
      return spdlog::level::debug;
    case PORTICO_LOG_WARN:
      return spdlog::level::warn;
    case PORTICO_LOG_ERROR:
      return spdlog::level::err;
    default:
      return spdlog::level::info;
  }
}

void hostLog(portico_host_ctx* ctx, portico_log_level level, portico_str message) {
  try {
    if (ctx == nullptr) return;
    // A call's id, handed to the formatter for this one line (the caller may be any thread).
    std::optional<log::RequestScope> tagged;
    if (ctx->scope != nullptr) tagged.emplace(ctx->scope->id);
    ctx->plugin->logger->log(toSpdlog(level), "{}", sv(message));
  } catch (...) {
    // Logging must never fail a plugin.
  }
}

bool logEnabled(portico_host_ctx* ctx, portico_log_level level) {
  return ctx != nullptr && ctx->plugin->logger->should_log(toSpdlog(level));
}

portico_status configGet(portico_host_ctx* ctx, portico_str key, portico_str* value) {
  return guarded(nullptr, [&] {
    if (ctx == nullptr || value == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    auto found = ctx->plugin->services->config->find("plugin." + ctx->plugin->pluginName + "." +
                                                     std::string(sv(key)));
    if (!found) return PORTICO_ERR_NOT_FOUND;
    std::lock_guard<std::mutex> lock(ctx->plugin->configMutex);
    const std::string& kept = ctx->plugin->configValues[std::string(sv(key))] = *found;
    *value = ps(kept);
    return PORTICO_OK;
  });
}

portico_status routeAdd(portico_host_ctx* ctx, const portico_route* route, portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || route == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    if (!ctx->plugin->acceptingRoutes) {
      portico_error_set(err, "route_add is only allowed during init");
      return PORTICO_ERR_WRONG_STATE;
    }
    if (route->struct_size < PORTICO_ROUTE_MIN_SIZE) {
      portico_error_set(err, "portico_route.struct_size is smaller than ABI 1.0's portico_route");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (route->handler == nullptr) {
      portico_error_set(err, "portico_route.handler is NULL");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if ((route->flags & ~PORTICO_ROUTE_STREAM_BODY) != 0) {
      portico_error_set(err, "portico_route.flags has bits this host does not know");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    std::string method(sv(route->method));
    if (!http::isKnownMethod(method)) {
      portico_error_set(err, ("unknown HTTP method '" + method + "'").c_str());
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    std::string why;
    auto path = http::PathTemplate::parse(sv(route->path), &why);
    if (!path) {
      portico_error_set(err, why.c_str());
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    for (const auto& existing : ctx->plugin->registered.routes) {
      if (existing.method == method && existing.path.sameShape(*path)) {
        portico_error_set(err, ("route " + method + " " + path->pattern() + " duplicates " +
                                existing.method + " " + existing.path.pattern())
                                   .c_str());
        return PORTICO_ERR_CONFLICT;
      }
    }
    uint64_t limit =
        route->max_body_bytes ? route->max_body_bytes : ctx->plugin->services->defaultMaxBodyBytes;
    RouteSpec spec{method,
                   *path,
                   route->handler,
                   route->route_data,
                   limit,
                   PORTICO_AUTH_PUBLIC,
                   {},
                   (route->flags & PORTICO_ROUTE_STREAM_BODY) != 0};
    if (PORTICO_HAS_MEMBER(route, portico_route, scopes)) {
      if (route->auth > PORTICO_AUTH_REQUIRED) {
        portico_error_set(err, "portico_route.auth is not a portico_auth_mode");
        return PORTICO_ERR_INVALID_ARGUMENT;
      }
      auto scopes = auth::parseScopes(sv(route->scopes));
      if (!scopes) {
        portico_error_set(err,
                          "portico_route.scopes must be space-separated [A-Za-z0-9:._-]{1,64}");
        return PORTICO_ERR_INVALID_ARGUMENT;
      }
      if (route->auth == PORTICO_AUTH_PUBLIC && !scopes->empty()) {
        portico_error_set(err, "a PUBLIC route cannot require scopes");
        return PORTICO_ERR_INVALID_ARGUMENT;
      }
      spec.auth = static_cast<portico_auth_mode>(route->auth);
      spec.scopes = std::move(*scopes);
    }
    ctx->plugin->registered.routes.push_back(std::move(spec));
    return PORTICO_OK;
  });
}

portico_str requestMethod(const portico_request* r) {
  return r ? ps(r->method) : portico_str{};
}
portico_str requestPath(const portico_request* r) {
  return r ? ps(r->path) : portico_str{};
}
portico_str requestQuery(const portico_request* r) {
  return r ? ps(r->query) : portico_str{};
}
portico_str requestId(const portico_request* r) {
  return r ? ps(r->id) : portico_str{};
}
portico_host_ctx* requestCtx(const portico_request* r) {
  return r ? r->call : nullptr;
}
portico_str requestBody(const portico_request* r) {
  return r ? ps(r->body) : portico_str{};
}

portico_status requestParam(const portico_request* r, portico_str name, portico_str* value) {
  if (r == nullptr || value == nullptr || r->params == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  for (const auto& [k, v] : *r->params) {
    if (k == sv(name)) {
      *value = ps(v);
      return PORTICO_OK;
    }
  }
  return PORTICO_ERR_NOT_FOUND;
}

portico_status requestQueryParam(const portico_request* r, portico_str name, portico_str* value) {
  return guarded(nullptr, [&] {
    if (r == nullptr || value == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    auto found = http::queryParam(r->query, sv(name));
    if (!found) return PORTICO_ERR_NOT_FOUND;
    r->scratch.push_back(std::move(*found));
    *value = ps(r->scratch.back());
    return PORTICO_OK;
  });
}

portico_status requestHeader(const portico_request* r, portico_str name, portico_str* value) {
  return guarded(nullptr, [&] {
    if (r == nullptr || value == nullptr || r->http == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    // Every request has a trace context: the client's when valid, else the host's.
    if (!r->traceparent.empty() && common::equalsIgnoreCase(sv(name), "traceparent")) {
      *value = ps(r->traceparent);
      return PORTICO_OK;
    }
    auto found = r->http->header(sv(name));
    if (!found) return PORTICO_ERR_NOT_FOUND;
    *value = ps(*found);
    return PORTICO_OK;
  });
}

portico_status responseSetStatus(portico_response* res, uint32_t status) {
  if (res == nullptr || status < 100 || status > 599) return PORTICO_ERR_INVALID_ARGUMENT;
  res->status = status;
  return PORTICO_OK;
}

portico_status responseAddHeader(portico_response* res, portico_str name, portico_str value) {
  return guarded(nullptr, [&] {
    std::string_view v = sv(value);
    if (res == nullptr || !common::isHeaderToken(sv(name)) || common::isFramingHeader(sv(name)) ||
        !common::isSafeHeaderValue(v)) {
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    // A response has one Content-Type: the plugin's replaces the default and any earlier one.
    if (common::equalsIgnoreCase(sv(name), "Content-Type")) {
      for (auto& [existing, current] : res->headers) {
        if (common::equalsIgnoreCase(existing, "Content-Type")) {
          current = std::string(v);
          return PORTICO_OK;
        }
      }
    }
    res->headers.emplace_back(std::string(sv(name)), std::string(v));
    return PORTICO_OK;
  });
}

portico_status responseWrite(portico_response* res, portico_str data) {
  return guarded(nullptr, [&] {
    if (res == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    if (res->body.size() + data.len > res->maxBytes) return PORTICO_ERR_TOO_LARGE;
    res->body.append(sv(data));
    return PORTICO_OK;
  });
}

}  // namespace

void fillCoreApi(portico_host_api& api) {
  api.log = &hostLog;
  api.log_enabled = &logEnabled;
  api.request_ctx = &requestCtx;
  api.config_get = &configGet;
  api.route_add = &routeAdd;
  api.request_method = &requestMethod;
  api.request_path = &requestPath;
  api.request_query = &requestQuery;
  api.request_id = &requestId;
  api.request_body = &requestBody;
  api.request_param = &requestParam;
  api.request_query_param = &requestQueryParam;
  api.request_header = &requestHeader;
  api.response_set_status = &responseSetStatus;
  api.response_add_header = &responseAddHeader;
  api.response_write = &responseWrite;
}

}  // namespace portico::abi
