// SPDX-License-Identifier: Apache-2.0
// Outbound HTTP (1.4): http_fetch hands the plugin's request to the host's one HTTP client,
// with the calling request's or job's deadline and trace, and the generation's drain cut-off.
#include <optional>

#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "common/IgnoreCase.h"
#include "log/Logging.h"
#include "outbound/HttpClient.h"

struct portico_http_response {
  uint32_t status = 0;
  portico::outbound::Headers headers;
  std::string body;
};

namespace portico::abi {
namespace {

portico_status httpFetch(portico_host_ctx* ctx, const portico_http_request* request,
                         portico_http_response** response, portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || request == nullptr || response == nullptr ||
        !PORTICO_HAS_MEMBER(request, portico_http_request, on_body_data) ||
        (request->header_count > 0 && request->headers == nullptr)) {
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    *response = nullptr;
    outbound::HttpClient* client = ctx->plugin->services->outbound;
    if (client == nullptr) {
      portico_error_set(err, "this host makes no outbound calls");
      return PORTICO_ERR_UNAVAILABLE;
    }
    outbound::Call call;
    call.plugin = ctx->plugin->pluginName;
    if (request->method.len > 0) call.method = std::string(sv(request->method));
    call.url = std::string(sv(request->url));
    for (size_t i = 0; i < request->header_count; ++i) {
      call.headers.emplace_back(sv(request->headers[i].name), sv(request->headers[i].value));
    }
    call.body = sv(request->body);
    if (request->body_reader != nullptr) {
      call.readBody = [reader = request->body_reader, data = request->body_reader_data](
                          char* buf, size_t cap, size_t* len) {
        return reader(data, buf, cap, len);
      };
      call.bodyLength = request->body_length;
    }
    call.connectTimeoutMs = static_cast<int>(request->connect_timeout_ms);
    call.timeoutMs = static_cast<int>(request->timeout_ms);
    call.maxAttempts = static_cast<int>(request->max_attempts);
    if (request->on_body != nullptr) {
      call.onBody = [writer = request->on_body, data = request->on_body_data](std::string_view c) {
        return writer(data, ps(c));
      };
    }
    if (PORTICO_HAS_MEMBER(request, portico_http_request, is_cancelled_data) &&
        request->is_cancelled != nullptr) {
      call.cancelled = [ask = request->is_cancelled, data = request->is_cancelled_data] {
        return ask(data);
      };
    }
    std::optional<log::RequestScope> tagged;
    if (ctx->scope != nullptr) {
      call.deadline = ctx->scope->deadline;
      call.traceparent = std::string(ctx->scope->traceparent);
      tagged.emplace(ctx->scope->id);
    }
    call.cutoff = &ctx->plugin->outboundCutoff;

    outbound::Outcome out = client->fetch(call);
    if (out.status != PORTICO_OK) {
      portico_error_set(err, out.message.c_str());
      return out.status;
    }
    *response =
        new portico_http_response{static_cast<uint32_t>(out.answer.status),
                                  std::move(out.answer.headers), std::move(out.answer.body)};
    return PORTICO_OK;
  });
}

uint32_t httpResponseStatus(const portico_http_response* r) {
  return r == nullptr ? 0 : r->status;
}

size_t httpResponseHeaderCount(const portico_http_response* r) {
  return r == nullptr ? 0 : r->headers.size();
}

portico_status httpResponseHeaderAt(const portico_http_response* r, size_t index,
                                    portico_http_header* header) {
  if (r == nullptr || header == nullptr || index >= r->headers.size()) {
    return PORTICO_ERR_INVALID_ARGUMENT;
  }
  header->name = ps(r->headers[index].first);
  header->value = ps(r->headers[index].second);
  return PORTICO_OK;
}

portico_status httpResponseHeader(const portico_http_response* r, portico_str name,
                                  portico_str* value) {
  if (r == nullptr || value == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  for (const auto& [n, v] : r->headers) {
    if (common::equalsIgnoreCase(n, sv(name))) {
      *value = ps(v);
      return PORTICO_OK;
    }
  }
  return PORTICO_ERR_NOT_FOUND;
}

portico_str httpResponseBody(const portico_http_response* r) {
  return r == nullptr ? portico_str{nullptr, 0} : ps(r->body);
}

void httpResponseFree(portico_http_response* r) {
  delete r;
}

}  // namespace

void fillHttpApi(portico_host_api& api) {
  api.http_fetch = &httpFetch;
  api.http_response_status = &httpResponseStatus;
  api.http_response_header_count = &httpResponseHeaderCount;
  api.http_response_header_at = &httpResponseHeaderAt;
  api.http_response_header = &httpResponseHeader;
  api.http_response_body = &httpResponseBody;
  api.http_response_free = &httpResponseFree;
}

}  // namespace portico::abi
