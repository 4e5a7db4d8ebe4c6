// SPDX-License-Identifier: MIT
// portico/http.hpp — outbound HTTP for plugins (ABI 1.4), through the host's one client: the
// destination must be in plugin.<name>.outbound.allow; connections are reused; retries, backoff
// and a circuit breaker per destination are the host's. Part of the header-only SDK; include
// portico/sdk.hpp.
//
//   portico::Http http(req);  // the request's deadline and trace go with the call
//   auto answer = http.fetch({"POST", "https://api.example.com/v1/things",
//                             {{"Authorization", "Bearer " + key}}, body.dump()});
//   if (answer.status() != 200) throw portico::HttpError(502, "the things API said no");
//   auto things = answer.json();
//
// A call that cannot be made throws OutboundError: 502 for the client when the peer is
// unreachable (or its circuit is open), 504 when it timed out, 500 when the call was refused
// (not in the allow-list) or malformed; the host's reason goes to the log, not to the client.
#ifndef PORTICO_HTTP_HPP
#define PORTICO_HTTP_HPP

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portico/sdk.hpp"

namespace portico {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  uint32_t timeout_ms = 0;          // whole call, retries included; 0: outbound.timeout_ms
  uint32_t connect_timeout_ms = 0;  // per attempt; 0: outbound.connect_timeout_ms
  // More than 1: retried on connection errors, 408, 429 and 5xx when the method is idempotent
  // or an Idempotency-Key header is given.
  uint32_t max_attempts = 1;
  // A body made while it is sent (a large upload) instead of `body`: fills buf (at most cap
  // bytes) and returns how many it wrote, 0 at the end. Such a call is never retried.
  std::function<size_t(char* buf, size_t cap)> body_source;
  int64_t body_length = -1;  // of body_source's body; -1: unknown (sent chunked)
  // ABI 1.6: asked while the call is under way (at least once a second); true ends it and the
  // call throws OutboundError with code() PORTICO_ERR_CANCELED. Must not block.
  std::function<bool()> cancelled;
};

// A call the host could not make; status() is what the plugin's client should get.
class OutboundError : public HttpError {
 public:
  OutboundError(int status, const std::string& message, portico_status code, std::string detail)
      : HttpError(status, message, {}, std::move(detail)), code_(code) {}
  portico_status code() const { return code_; }  // PORTICO_ERR_DENIED, _UNAVAILABLE, _TIMEOUT...

 private:
  portico_status code_;
};

// The peer's answer, whatever its status. Owns the host's response until destroyed.
class HttpResponse {
 public:
  HttpResponse(const portico_host_api* api, portico_http_response* r) : api_(api), r_(r) {}
  HttpResponse(HttpResponse&& o) noexcept : api_(o.api_), r_(std::exchange(o.r_, nullptr)) {}
  HttpResponse(const HttpResponse&) = delete;
  HttpResponse& operator=(const HttpResponse&) = delete;
  HttpResponse& operator=(HttpResponse&&) = delete;
  ~HttpResponse() {
    if (r_ != nullptr) api_->http_response_free(r_);
  }

  int status() const { return static_cast<int>(api_->http_response_status(r_)); }
  std::optional<std::string_view> header(std::string_view name) const {
    portico_str out{nullptr, 0};
    if (api_->http_response_header(r_, str(name), &out) != PORTICO_OK) return std::nullopt;
    return view(out);
  }
  std::vector<std::pair<std::string_view, std::string_view>> headers() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    size_t n = api_->http_response_header_count(r_);
    for (size_t i = 0; i < n; ++i) {
      portico_http_header h{};
      if (api_->http_response_header_at(r_, i, &h) == PORTICO_OK) {
        out.emplace_back(view(h.name), view(h.value));
      }
    }
    return out;
  }
  // Empty when the body was streamed.
  std::string_view body() const { return view(api_->http_response_body(r_)); }
  // The body as JSON; json::ParseError (a 500) when the peer sent something else.
  json::Value json() const { return json::parse(body()); }

 private:
  const portico_host_api* api_;
  portico_http_response* r_;
};

class Http {
 public:
  explicit Http(const Scope& scope) : scope_(scope) {}
  // Request, Job, Event or Host: whatever has a scope().
  template <typename Owner, typename = decltype(std::declval<const Owner&>().scope())>
  explicit Http(const Owner& owner) : Http(owner.scope()) {}

  HttpResponse fetch(const HttpRequest& request) const { return send(request, nullptr); }

  // The body goes to on_chunk as it arrives (server-sent events from a model, a large download);
  // the returned response has headers and status, and an empty body. An exception thrown by
  // on_chunk (or body_source) stops the transfer and comes out of stream() (or fetch()).
  HttpResponse stream(const HttpRequest& request,
                      const std::function<void(std::string_view)>& on_chunk) const {
    return send(request, &on_chunk);
  }

 private:
  struct Sink {
    const std::function<void(std::string_view)>* on_chunk;
    const std::function<size_t(char*, size_t)>* source;
    std::exception_ptr thrown;
  };
  static portico_status produce(void* data, char* buf, size_t cap, size_t* len) {
    auto* sink = static_cast<Sink*>(data);
    try {
      *len = (*sink->source)(buf, cap);
      return PORTICO_OK;
    } catch (...) {
      sink->thrown = std::current_exception();
      return PORTICO_ERR_INTERNAL;
    }
  }
  static bool ask(void* data) {
    try {
      return (*static_cast<const std::function<bool()>*>(data))();
    } catch (...) {
      return true;
    }
  }
  static portico_status deliver(void* data, portico_str chunk) {
    auto* sink = static_cast<Sink*>(data);
    try {
      (*sink->on_chunk)(view(chunk));
      return PORTICO_OK;
    } catch (...) {
      sink->thrown = std::current_exception();
      return PORTICO_ERR_INTERNAL;
    }
  }

  HttpResponse send(const HttpRequest& request,
                    const std::function<void(std::string_view)>* on_chunk) const {
    const portico_host_api* api = scope_.api;
    if (!PORTICO_HAS_MEMBER(api, portico_host_api, http_fetch)) {
      throw OutboundError(500, "outbound call failed", PORTICO_ERR_UNAVAILABLE,
                          "this host is older than ABI 1.4 and makes no outbound calls");
    }
    std::vector<portico_http_header> headers;
    headers.reserve(request.headers.size());
    for (const auto& [name, value] : request.headers) headers.push_back({str(name), str(value)});
    Sink sink{on_chunk, &request.body_source, nullptr};
    portico_http_request r{};
    r.struct_size = sizeof r;
    r.method = str(request.method);
    r.url = str(request.url);
    r.headers = headers.data();
    r.header_count = headers.size();
    r.body = str(request.body);
    r.body_length = request.body_length;
    if (request.body_source) {
      r.body_reader = &Http::produce;
      r.body_reader_data = &sink;
    }
    r.connect_timeout_ms = request.connect_timeout_ms;
    r.timeout_ms = request.timeout_ms;
    r.max_attempts = request.max_attempts;
    if (on_chunk != nullptr) {
      r.on_body = &Http::deliver;
      r.on_body_data = &sink;
    }
    if (request.cancelled) {
      r.is_cancelled = &Http::ask;
      r.is_cancelled_data = const_cast<std::function<bool()>*>(&request.cancelled);
    }
    portico_http_response* out = nullptr;
    detail::ErrorBuffer e;
    portico_status s = api->http_fetch(scope_.ctx, &r, &out, &e.err);
    if (sink.thrown) std::rethrow_exception(sink.thrown);
    if (s != PORTICO_OK) {
      // The query is left out: it may carry a key, and this goes to the log.
      std::string why = request.method + " " + request.url.substr(0, request.url.find('?')) + ": " +
                        std::string(e.buf, e.err.len);
      if (s == PORTICO_ERR_TIMEOUT) throw OutboundError(504, "upstream timed out", s, why);
      if (s == PORTICO_ERR_CANCELED) throw OutboundError(499, "call cancelled", s, why);
      if (s == PORTICO_ERR_UNAVAILABLE || s == PORTICO_ERR_TOO_LARGE) {
        throw OutboundError(502, "upstream unavailable", s, why);
      }
      throw OutboundError(500, "outbound call failed", s, why);
    }
    return HttpResponse(api, out);
  }

  Scope scope_;
};

}  // namespace portico

#endif  // PORTICO_HTTP_HPP
