// SPDX-License-Identifier: MIT
// portico/sdk.hpp — the C++17 SDK for Portico plugins (header-only, no link dependency).
//
// A plugin is a class plus one macro:
//
//   class Hello : public portico::Plugin {
//    public:
//     explicit Hello(portico::Host& host) {
//       host.route("GET", "/hello/{name}", [](const portico::Request& req, portico::Response& res)
//       {
//         res.json(portico::json::object({{"hello", *req.param("name")}}));
//       });
//     }
//   };
//   PORTICO_PLUGIN(Hello, "hello", "1.0.0")
//
// The SDK owns the C boundary: it negotiates, catches every exception before it could reach the
// host (fail closed: an escaping exception becomes PORTICO_ERR_INTERNAL and a 500), and turns an
// HttpError into a JSON error response. A handler reads what the client sent through
// req.json() (portico/input.hpp: the client's mistakes answer 400 naming the field) and reaches
// the host through req.host(). Everything in plugin.h stays valid to call directly.
#ifndef PORTICO_SDK_HPP
#define PORTICO_SDK_HPP

#include <charconv>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "portico/errors.hpp"
#include "portico/input.hpp"
#include "portico/json.hpp"
#include "portico/plugin.h"
#include "portico/stream.hpp"

namespace portico {

class Host;

inline std::string_view view(portico_str s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : "";
}
inline portico_str str(std::string_view s) {
  return portico_str{s.data(), s.size()};
}

// The verified caller of a request (see portico_principal). Views are valid until the handler
// returns.
struct Principal {
  std::string_view subject;
  std::string_view scopes;
  std::string_view claims;  // JSON text of the whole verified payload
  std::string_view token_id;
  int64_t expires_at = 0;
  std::string_view service;  // the calling service, if an X-Service-Token came along

  bool has_scope(std::string_view wanted) const {
    std::string_view rest = scopes;
    while (!rest.empty()) {
      size_t end = rest.find(' ');
      if (rest.substr(0, end) == wanted) return true;
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    return false;
  }
};

enum class LogLevel {
  Trace = PORTICO_LOG_TRACE,
  Debug = PORTICO_LOG_DEBUG,
  Info = PORTICO_LOG_INFO,
  Warn = PORTICO_LOG_WARN,
  Error = PORTICO_LOG_ERROR
};

// What a lease or a log line belongs to: the plugin generation (Host::scope), or one call into it
// (Request, Event, Job: ABI 1.3). A lease taken for a call may be taken on any thread while the
// call runs, and is reclaimed when it returns if still open; log lines name the call's id.
struct JobOptions;

struct Scope {
  const portico_host_api* api;
  portico_host_ctx* ctx;

  // The W3C traceparent of this call (ABI 1.5; empty on an older host or outside a call).
  std::string_view traceparent() const {
    if (!PORTICO_HAS_MEMBER(api, portico_host_api, call_traceparent)) return {};
    portico_str t = api->call_traceparent(ctx);
    return t.ptr ? std::string_view(t.ptr, t.len) : std::string_view();
  }

  void log(LogLevel level, std::string_view message) const {
    api->log(ctx, static_cast<portico_log_level>(level), str(message));
  }

  // At-most-once, to every host; through a call's scope the event carries the call's trace on.
  // Throws HttpError(503) without Redis.
  void publish(std::string_view topic, const json::Value& payload) const;
  // Returns the job id; through a call's scope the job carries the call's trace on. Throws
  // HttpError(503) without Redis.
  std::string enqueue(std::string_view queue, const json::Value& payload,
                      const JobOptions& options) const;
  std::string enqueue(std::string_view queue, const json::Value& payload) const;
};

// Read-only view of the current request. Valid only inside the handler call.
class Request {
 public:
  Request(const portico_host_api* api, const portico_request* req, const Host& host)
      : api_(api), req_(req), host_(host) {}

  // The host of the generation serving this request: publish, enqueue, config, log.
  const Host& host() const { return host_; }
  // This request's scope: take its leases here (portico::Db db(req)).
  Scope scope() const;

  std::string_view method() const { return view(api_->request_method(req_)); }
  std::string_view path() const { return view(api_->request_path(req_)); }
  std::string_view query() const { return view(api_->request_query(req_)); }
  std::string_view id() const { return view(api_->request_id(req_)); }
  std::string_view body() const { return view(api_->request_body(req_)); }

  std::optional<std::string_view> param(std::string_view name) const {
    return lookup(api_->request_param, name);
  }
  std::optional<std::string_view> query_param(std::string_view name) const {
    return lookup(api_->request_query_param, name);
  }
  std::optional<std::string_view> header(std::string_view name) const {
    return lookup(api_->request_header, name);
  }
  // A path parameter that must be an integer in [min, max]; 400 naming it otherwise.
  int64_t param_int(std::string_view name, int64_t min, int64_t max) const {
    return to_int(param(name).value_or(""), "path parameter", name, min, max);
  }
  // A query parameter that may be left out but, when given, must be an integer in [min, max].
  std::optional<int64_t> query_int(std::string_view name, int64_t min, int64_t max) const {
    auto text = query_param(name);
    if (!text) return std::nullopt;
    return to_int(*text, "query parameter", name, min, max);
  }

  // The caller, when the route's auth mode and the request's token gave one.
  std::optional<Principal> principal() const {
    portico_principal p{};
    p.struct_size = sizeof p;
    if (api_->request_principal(req_, &p) != PORTICO_OK) return std::nullopt;
    return Principal{view(p.subject),  view(p.scopes), view(p.claims),
                     view(p.token_id), p.expires_at,   view(p.service)};
  }
  // For routes registered with PORTICO_AUTH_REQUIRED: the principal, which the host guarantees.
  Principal user() const {
    auto p = principal();
    if (!p) throw HttpError(401, "this route needs a signed-in caller");
    return *p;
  }
  // The client's address (through trusted proxies only).
  std::string_view client_ip() const { return view(api_->request_client_ip(req_)); }
  // "https" or "http": whether the client reached us over TLS (here or at a trusted proxy).
  // "http" on a host older than ABI 1.7, which never spoke TLS itself.
  std::string_view scheme() const {
    if (!PORTICO_HAS_MEMBER(api_, portico_host_api, request_scheme)) return "http";
    return view(api_->request_scheme(req_));
  }

  // For a route with RouteOptions::stream_body: the next part of the body into buf, as it
  // arrives; 0 once it has ended. A body that cannot be read (past the route's maximum, too
  // slow, malformed) throws HttpError with the status the host then answers.
  size_t read_body(char* buf, size_t cap) const {
    size_t n = 0;
    char msg[256] = {0};
    portico_error err{msg, sizeof msg, 0};
    switch (api_->request_body_read(req_, buf, cap, &n, &err)) {
      case PORTICO_OK:
        return n;
      case PORTICO_ERR_TOO_LARGE:
        throw HttpError(413, std::string(msg, err.len));
      case PORTICO_ERR_TIMEOUT:
        throw HttpError(408, std::string(msg, err.len));
      case PORTICO_ERR_WRONG_STATE:
        throw std::runtime_error(std::string(msg, err.len));
      default:
        throw HttpError(400, std::string(msg, err.len));
    }
  }

  // The body as JSON, read so that the client's mistakes answer 400 naming the field
  // (portico/input.hpp); a malformed body is a 400 too.
  Input json() const {
    try {
      return Input(json::parse(body()));
    } catch (const json::ParseError& e) {
      throw HttpError(400, std::string("request body is not valid JSON: ") + e.what());
    }
  }

 private:
  using Getter = portico_status (*)(const portico_request*, portico_str, portico_str*);
  std::optional<std::string_view> lookup(Getter get, std::string_view name) const {
    portico_str out{nullptr, 0};
    if (get(req_, str(name), &out) != PORTICO_OK) return std::nullopt;
    return view(out);
  }
  static int64_t to_int(std::string_view text, const char* kind, std::string_view name, int64_t min,
                        int64_t max) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min ||
        v > max) {
      throw HttpError(400, std::string(kind) + " '" + std::string(name) +
                               "' must be an integer from " + std::to_string(min) + " to " +
                               std::to_string(max));
    }
    return v;
  }

  const portico_host_api* api_;
  const portico_request* req_;
  const Host& host_;
};

// The response under construction. Buffered in the plugin and handed to the host in one piece
// when the handler returns, so that an HttpError thrown half-way replaces it cleanly.
class Response {
 public:
  void status(int code) { status_ = code; }
  int status() const { return status_; }
  void header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
  }
  void write(std::string_view data) { body_.append(data); }
  void json(const json::Value& value, int code = 200) {
    status_ = code;
    body_ = value.dump();
  }

  // ABI 1.5 (an older host: runtime_error). The response goes on after its head: status and
  // headers set on this Response are sent when the handler returns, then what the stream is
  // given, chunk by chunk. Set Content-Type yourself.
  Stream stream(StreamCallbacks callbacks = {}) {
    return Stream::open(api_, raw(), api_->response_stream, false, std::move(callbacks));
  }
  // A server-sent events stream (text/event-stream, not cached). The host keeps it alive with a
  // comment line after http.sse_heartbeat_ms of silence; use Stream::event to send.
  Stream event_stream(StreamCallbacks callbacks = {}) {
    header("Content-Type", "text/event-stream");
    header("Cache-Control", "no-cache");
    return stream(std::move(callbacks));
  }
  // Accepts a WebSocket upgrade; a request that is not one is answered 426.
  Stream websocket(StreamCallbacks callbacks) {
    return Stream::open(api_, raw(), api_->response_websocket, true, std::move(callbacks));
  }

 private:
  friend class Host;
  Response(const portico_host_api* api, portico_response* res) : api_(api), res_(res) {}
  portico_response* raw() {
    if (!PORTICO_HAS_MEMBER(api_, portico_host_api, response_stream)) {
      throw std::runtime_error("streams need a host with ABI 1.5");
    }
    return res_;
  }
  // Starts over (an HttpError thrown half-way); a stream made before ends, as the status is
  // then an error.
  void clear() {
    status_ = 200;
    headers_.clear();
    body_.clear();
  }

  const portico_host_api* api_;
  portico_response* res_;
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
};

namespace detail {

// Turns a failed host call into the exception a handler should see: 503 for "try again later"
// (the host's reason goes to the log, not to the client), DbError for a statement PostgreSQL
// refused.
inline void check(portico_status s, const portico_error& err, const char* what) {
  if (s == PORTICO_OK) return;
  std::string message = std::string(what) + ": " + std::string(err.buf, err.len);
  if (s == PORTICO_ERR_UNAVAILABLE || s == PORTICO_ERR_TIMEOUT) {
    throw HttpError(503, std::string(what) + " is unavailable, try again later", {}, message);
  }
  if (s == PORTICO_ERR_QUERY) throw DbError(std::string(err.buf, err.len));
  throw std::runtime_error(message);
}

struct ErrorBuffer {
  char buf[1024] = {0};
  portico_error err{buf, sizeof buf, 0};
};

}  // namespace detail

// A job as its handler sees it (ABI 1.1).
struct Job {
  std::string_view id;
  json::Value payload;
  uint32_t attempt;  // from 1
  Scope call;        // this run's scope (1.3; the generation's on an older host)
  Scope scope() const { return call; }
};

// An event as its handler sees it.
struct Event {
  std::string_view topic;
  json::Value payload;
  Scope call;  // this delivery's scope (1.3; the generation's on an older host)
  Scope scope() const { return call; }
};

struct JobOptions {
  uint32_t delay_ms = 0;
  uint32_t max_attempts = 0;  // 0: host default
  uint32_t backoff_ms = 0;    // 0: host default
};

// A token signed by the host, with what revoking it later takes.
struct IssuedToken {
  std::string token;
  std::string id;  // jti
  int64_t expires_at = 0;
};

// How a route is reached (ABI 1.2 for auth and scopes).
struct RouteOptions {
  portico_auth_mode auth = PORTICO_AUTH_PUBLIC;
  std::string scopes;           // space-separated; all are required of the principal
  uint64_t max_body_bytes = 0;  // 0: the host's http.max_body_bytes
  // ABI 1.5: the handler reads the body as it arrives (Request::read_body) instead of whole.
  bool stream_body = false;
};

// The host as one plugin generation sees it. Created by the SDK before the plugin's constructor,
// destroyed after the plugin's destructor. Thread-safe except route(), which is for the
// constructor only.
class Host {
 public:
  using Handler = std::function<void(const Request&, Response&)>;

  Host(const portico_host_api* api, portico_host_ctx* ctx) : api_(api), ctx_(ctx) {}
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  // Registers a route; call from the plugin's constructor. Throws std::runtime_error with the
  // host's message when the host refuses it.
  //   host.route("GET", "/users/me", handler, {PORTICO_AUTH_REQUIRED});
  //   host.route("PUT", "/admin/x", handler, {PORTICO_AUTH_REQUIRED, "admin", 4096});
  void route(std::string_view method, std::string_view path, Handler handler,
             const RouteOptions& options = {}) {
    routes_.push_back(Entry{this, std::move(handler)});
    portico_route r{};
    r.struct_size = sizeof r;
    r.method = str(method);
    r.path = str(path);
    r.handler = &Host::dispatch;
    r.route_data = &routes_.back();
    r.max_body_bytes = options.max_body_bytes;
    r.flags = options.stream_body ? PORTICO_ROUTE_STREAM_BODY : PORTICO_ROUTE_FLAGS_NONE;
    r.auth = options.auth;
    r.scopes = str(options.scopes);
    detail::ErrorBuffer e;
    if (api_->route_add(ctx_, &r, &e.err) != PORTICO_OK) {
      routes_.pop_back();
      throw std::runtime_error(std::string(e.buf, e.err.len));
    }
  }

  std::optional<std::string> config(std::string_view key) const {
    portico_str out{nullptr, 0};
    if (api_->config_get(ctx_, str(key), &out) != PORTICO_OK) return std::nullopt;
    return std::string(view(out));
  }
  std::string config_or(std::string_view key, std::string fallback) const {
    auto v = config(key);
    return v ? *v : std::move(fallback);
  }

  void log(LogLevel level, std::string_view message) const {
    api_->log(ctx_, static_cast<portico_log_level>(level), str(message));
  }
  // Builds the message only when the host would write it (ABI 1.3; always on an older host):
  //   host.log(portico::LogLevel::Debug, [&] { return "cache miss for " + key; });
  template <typename MakeMessage, typename = std::enable_if_t<std::is_invocable_v<MakeMessage&>>>
  void log(LogLevel level, MakeMessage&& make) const {
    if (log_enabled(level)) log(level, std::string_view(make()));
  }
  bool log_enabled(LogLevel level) const {
    if (!PORTICO_HAS_MEMBER(api_, portico_host_api, log_enabled)) return true;
    return api_->log_enabled(ctx_, static_cast<portico_log_level>(level));
  }
  void info(std::string_view message) const { log(LogLevel::Info, message); }
  void warn(std::string_view message) const { log(LogLevel::Warn, message); }
  void error(std::string_view message) const { log(LogLevel::Error, message); }

  // ---- The plugin's own signals (ABI 1.6; nothing on an older host) ----

  // portico_plugin_events_total{plugin, event} += delta on /metrics. Never throws: a counter
  // that cannot count (too many distinct events) is not worth failing a request for.
  void count(std::string_view event, uint64_t delta = 1) const noexcept {
    if (PORTICO_HAS_MEMBER(api_, portico_host_api, metric_count)) {
      api_->metric_count(ctx_, str(event), delta);
    }
  }
  // Lists {component, state} under plugins.components on /ready.
  void component_state(std::string_view component, std::string_view state) const noexcept {
    if (PORTICO_HAS_MEMBER(api_, portico_host_api, component_state)) {
      api_->component_state(ctx_, str(component), str(state));
    }
  }

  // ---- Events and jobs (ABI 1.1) ----

  using EventHandler = std::function<void(const Event& event)>;
  // Throwing fails the attempt: the job is retried with backoff, then dead-lettered.
  using JobHandler = std::function<void(const Job& job)>;
  // At-most-once, to every host. Throws HttpError(503) without Redis. From a handler,
  // req.scope().publish carries the request's trace on.
  void publish(std::string_view topic, const json::Value& payload) const {
    scope().publish(topic, payload);
  }
  // ABI 1.5: sends data to every stream subscribed to `channel` on every host (Stream::subscribe),
  // at most once. Throws HttpError(503) without Redis.
  void channel_publish(std::string_view channel, std::string_view data) const {
    if (!PORTICO_HAS_MEMBER(api_, portico_host_api, channel_publish)) {
      throw std::runtime_error("push channels need a host with ABI 1.5");
    }
    detail::ErrorBuffer e;
    detail::check(api_->channel_publish(ctx_, str(channel), str(data), &e.err), e.err,
                  "channel_publish");
  }
  // publish for what has already happened: events are at-most-once anyway, so a failure (Redis
  // down) is logged and the caller's work stands. False when the event was not sent.
  bool try_publish(std::string_view topic, const json::Value& payload) const noexcept {
    try {
      publish(topic, payload);
      return true;
    } catch (const std::exception& e) {
      try {
        warn(std::string("event ") + std::string(topic) + " not published: " + e.what());
      } catch (...) {
      }
    }
    return false;
  }

  // From the plugin's constructor: handler runs for every event whose topic matches pattern.
  // handler takes (const Event&), or (std::string_view topic, const json::Value& payload).
  template <typename F>
  void subscribe(std::string_view pattern, F handler) {
    if constexpr (std::is_invocable_v<F&, const Event&>) {
      events_.push_back(Subscription{this, std::move(handler)});
    } else {
      events_.push_back(Subscription{
          this, [h = std::move(handler)](const Event& e) mutable { h(e.topic, e.payload); }});
    }
    detail::ErrorBuffer e;
    portico_status s =
        PORTICO_HAS_MEMBER(api_, portico_host_api, event_subscribe_ctx)
            ? api_->event_subscribe_ctx(ctx_, str(pattern), &Host::onEventCtx, &events_.back(),
                                        &e.err)
            : api_->event_subscribe(ctx_, str(pattern), &Host::onEvent, &events_.back(), &e.err);
    if (s != PORTICO_OK) events_.pop_back();
    detail::check(s, e.err, "subscribe");
  }

  // Returns the job id. Throws HttpError(503) without Redis. From a handler,
  // req.scope().enqueue carries the request's trace on.
  std::string enqueue(std::string_view queue, const json::Value& payload,
                      JobOptions options = {}) const {
    return scope().enqueue(queue, payload, options);
  }

  // From the plugin's constructor: runs the jobs of queue.
  void handle_jobs(std::string_view queue, JobHandler handler) {
    jobs_.push_back(JobRunner{this, std::move(handler)});
    detail::ErrorBuffer e;
    portico_status s =
        PORTICO_HAS_MEMBER(api_, portico_host_api, job_handle_ctx)
            ? api_->job_handle_ctx(ctx_, str(queue), &Host::onJobCtx, &jobs_.back(), &e.err)
            : api_->job_handle(ctx_, str(queue), &Host::onJob, &jobs_.back(), &e.err);
    if (s != PORTICO_OK) jobs_.pop_back();
    detail::check(s, e.err, "handle_jobs");
  }

  std::pair<portico_job_state, uint32_t> job_status(std::string_view id) const {
    portico_job_state state = PORTICO_JOB_UNKNOWN;
    uint32_t attempts = 0;
    detail::ErrorBuffer e;
    detail::check(api_->job_status(ctx_, str(id), &state, &attempts, &e.err), e.err, "job_status");
    return {state, attempts};
  }

  // Signs an access token for claims (must hold "sub"; "scope" optional) valid for ttl_seconds
  // (0: the host's auth.access_ttl_s). Throws HttpError 503 when the host has no signing key.
  IssuedToken issue_token(const json::Value& claims, uint32_t ttl_seconds = 0) const {
    std::string text = claims.dump();
    IssuedToken out;
    out.token.resize(1024);
    char id[PORTICO_TOKEN_ID_MAX] = {0};
    size_t len = 0;
    for (;;) {
      detail::ErrorBuffer e;
      portico_status s = api_->token_issue(ctx_, str(text), ttl_seconds, out.token.data(),
                                           out.token.size(), &len, id, &out.expires_at, &e.err);
      if (s == PORTICO_ERR_TOO_LARGE && len >= out.token.size()) {
        out.token.resize(len + 1);
        continue;
      }
      detail::check(s, e.err, "issue_token");
      break;
    }
    out.token.resize(len);
    out.id = id;
    return out;
  }
  // Refuses the token with this id until it expires, on every host.
  void revoke_token(std::string_view token_id, int64_t expires_at) const {
    detail::ErrorBuffer e;
    detail::check(api_->token_revoke(ctx_, str(token_id), expires_at, &e.err), e.err,
                  "revoke_token");
  }
  // Refuses every token of subject issued until now.
  void revoke_subject(std::string_view subject) const {
    detail::ErrorBuffer e;
    detail::check(api_->subject_revoke(ctx_, str(subject), &e.err), e.err, "revoke_subject");
  }
  // The JWK Set of the host's public keys.
  std::string_view jwks() const {
    portico_str out{nullptr, 0};
    if (api_->token_jwks(ctx_, &out) != PORTICO_OK) throw HttpError(503, "no keys configured");
    return view(out);
  }

  const portico_host_api* api() const { return api_; }
  portico_host_ctx* ctx() const { return ctx_; }
  // The generation's scope: leases taken here live until returned or until the generation drains.
  // In a handler, take them for the call instead (Db db(req), Db db(job), Db db(event)).
  Scope scope() const { return Scope{api_, ctx_}; }

 private:
  struct Entry {
    Host* host;
    Handler handler;
  };
  struct Subscription {
    Host* host;
    EventHandler handler;
  };
  struct JobRunner {
    Host* host;
    JobHandler handler;
  };

  // Runs `body`, turning what it throws into a status and a message for the host.
  template <typename F>
  static portico_status caught(portico_error* err, const char* what, F&& body) {
    try {
      body();
      return PORTICO_OK;
    } catch (const std::exception& e) {
      portico_error_set(err, e.what());
    } catch (...) {
      portico_error_set(err, what);
    }
    return PORTICO_ERR_INTERNAL;
  }

  static portico_status onEventCtx(void* data, portico_host_ctx* call, portico_str topic,
                                   portico_str payload, portico_error* err) {
    return caught(err, "unknown exception in event handler", [&] {
      auto* s = static_cast<Subscription*>(data);
      s->handler(Event{view(topic), json::parse(view(payload)), Scope{s->host->api_, call}});
    });
  }
  static portico_status onEvent(void* data, portico_str topic, portico_str payload,
                                portico_error* err) {
    return onEventCtx(data, static_cast<Subscription*>(data)->host->ctx_, topic, payload, err);
  }

  static portico_status onJobCtx(void* data, portico_host_ctx* call, portico_str id,
                                 portico_str payload, uint32_t attempt, portico_error* err) {
    return caught(err, "unknown exception in job handler", [&] {
      auto* r = static_cast<JobRunner*>(data);
      r->handler(Job{view(id), json::parse(view(payload)), attempt, Scope{r->host->api_, call}});
    });
  }
  static portico_status onJob(void* data, portico_str id, portico_str payload, uint32_t attempt,
                              portico_error* err) {
    return onJobCtx(data, static_cast<JobRunner*>(data)->host->ctx_, id, payload, attempt, err);
  }

  static portico_status dispatch(void* data, const portico_request* req, portico_response* res,
                                 portico_error* err) {
    auto* entry = static_cast<Entry*>(data);
    const portico_host_api* api = entry->host->api_;
    Request request(api, req, *entry->host);
    Response response(api, res);
    try {
      try {
        entry->handler(request, response);
      } catch (const HttpError& e) {
        if (!e.detail().empty()) {
          api->log(entry->host->ctx_, PORTICO_LOG_WARN,
                   str(std::to_string(e.status()) + " " + e.what() + ": " + e.detail()));
        }
        response.clear();
        response.json(
            json::object(
                {{"status", e.status()}, {"message", e.what()}, {"request_id", request.id()}}),
            e.status());
        for (const auto& [name, value] : e.headers()) response.header(name, value);
      }
      return send(api, res, response, err);
    } catch (const std::exception& e) {
      portico_error_set(err, e.what());
    } catch (...) {
      portico_error_set(err, "unknown exception in handler");
    }
    return PORTICO_ERR_INTERNAL;
  }

  static portico_status send(const portico_host_api* api, portico_response* res, const Response& r,
                             portico_error* err) {
    portico_status s = api->response_set_status(res, static_cast<uint32_t>(r.status_));
    for (const auto& h : r.headers_) {
      if (s != PORTICO_OK) break;
      s = api->response_add_header(res, str(h.first), str(h.second));
    }
    if (s == PORTICO_OK && !r.body_.empty()) s = api->response_write(res, str(r.body_));
    if (s != PORTICO_OK) portico_error_set(err, "host refused the response (status/header/size)");
    return s;
  }

  const portico_host_api* api_;
  portico_host_ctx* ctx_;
  std::deque<Entry> routes_;  // deques: the pointers handed to the host must stay stable
  std::deque<Subscription> events_;
  std::deque<JobRunner> jobs_;
};

inline void Scope::publish(std::string_view topic, const json::Value& payload) const {
  std::string text = payload.dump();
  detail::ErrorBuffer e;
  detail::check(api->event_publish(ctx, str(topic), str(text), &e.err), e.err, "publish");
}

inline std::string Scope::enqueue(std::string_view queue, const json::Value& payload,
                                  const JobOptions& options) const {
  std::string text = payload.dump();
  portico_job_options o{sizeof(portico_job_options), options.delay_ms, options.max_attempts,
                        options.backoff_ms};
  char id[PORTICO_JOB_ID_MAX] = {0};
  detail::ErrorBuffer e;
  detail::check(api->job_enqueue(ctx, str(queue), str(text), &o, id, &e.err), e.err, "enqueue");
  return id;
}

inline std::string Scope::enqueue(std::string_view queue, const json::Value& payload) const {
  return enqueue(queue, payload, JobOptions{});
}

inline Scope Request::scope() const {
  if (PORTICO_HAS_MEMBER(api_, portico_host_api, request_ctx)) {
    return Scope{api_, api_->request_ctx(req_)};
  }
  return host_.scope();  // a host older than 1.3: leases belong to the generation
}

// A route handler that calls a member function of the plugin:
//   host.route("GET", "/users/me", portico::handler(this, &Users::getMe), {PORTICO_AUTH_REQUIRED});
template <typename T>
Host::Handler handler(T* self, void (T::*method)(const Request&, Response&)) {
  return [self, method](const Request& req, Response& res) { (self->*method)(req, res); };
}

// Base class of a plugin. The constructor is init: read config, register routes. ready() runs
// before the routes are published, drain() when the generation is retired (join your threads
// there), the destructor when no request of this generation is running any more.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual void ready() {}
  virtual void drain() {}
};

namespace detail {

template <typename F>
portico_status guarded(portico_error* err, F&& body) {
  try {
    body();
    return PORTICO_OK;
  } catch (const std::exception& e) {
    portico_error_set(err, e.what());
  } catch (...) {
    portico_error_set(err, "unknown exception");
  }
  return PORTICO_ERR_INTERNAL;
}

template <typename T>
struct Instance {
  Instance(const portico_host_api* api, portico_host_ctx* ctx) : host(api, ctx) {}
  Host host;  // declared first: outlives the plugin, whose routes point into it
  std::unique_ptr<T> plugin;
};

template <typename T>
struct Exports {
  static portico_status init(const portico_host_api* api, portico_host_ctx* ctx, void** out,
                             portico_error* err) {
    return guarded(err, [&] {
      auto instance = std::make_unique<Instance<T>>(api, ctx);
      instance->plugin = std::make_unique<T>(instance->host);
      *out = instance.release();
    });
  }
  static portico_status ready(void* p, portico_error* err) {
    return guarded(err, [&] { static_cast<Instance<T>*>(p)->plugin->ready(); });
  }
  static portico_status drain(void* p, portico_error* err) {
    return guarded(err, [&] { static_cast<Instance<T>*>(p)->plugin->drain(); });
  }
  static void destroy(void* p) {
    try {
      delete static_cast<Instance<T>*>(p);
    } catch (...) {  // a destructor that throws must not unwind into the host
    }
  }
};

// The migrations portico_add_plugin(... MIGRATIONS dir) embeds: that helper generates the one
// definition. Weak, so a plugin without migrations links too (the address is then null).
extern "C" __attribute__((weak, visibility("hidden"))) const portico_migration*
portico_plugin_migrations(size_t* count);

inline portico_status negotiate(const portico_host_api* host, portico_plugin_info* mine,
                                const portico_plugin_info** out, portico_error* err) {
  if (host == nullptr || out == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (host->abi_major != PORTICO_ABI_MAJOR) {
    std::string msg = "plugin was built for ABI major " + std::to_string(PORTICO_ABI_MAJOR) +
                      " but the host speaks " + std::to_string(host->abi_major) +
                      "; rebuild the plugin against this host's plugin-api";
    portico_error_set(err, msg.c_str());
    return PORTICO_ERR_INCOMPATIBLE;
  }
  if (portico_plugin_migrations != nullptr) {
    mine->migrations = portico_plugin_migrations(&mine->migration_count);
  }
  *out = mine;
  return PORTICO_OK;
}

}  // namespace detail
}  // namespace portico

// Turns `Class` (a portico::Plugin with a Class(portico::Host&) constructor) into the plugin's
// one exported symbol. Use once per shared library, at namespace scope.
#define PORTICO_PLUGIN(Class, plugin_name, plugin_version)                                  \
  static const portico_plugin_hooks portico_sdk_hooks = {                                   \
      sizeof(portico_plugin_hooks), &::portico::detail::Exports<Class>::init,               \
      &::portico::detail::Exports<Class>::ready, &::portico::detail::Exports<Class>::drain, \
      &::portico::detail::Exports<Class>::destroy};                                         \
  static portico_plugin_info portico_sdk_info = {sizeof(portico_plugin_info),               \
                                                 PORTICO_ABI_MAJOR,                         \
                                                 PORTICO_ABI_MINOR,                         \
                                                 PORTICO_STR_LIT(plugin_name),              \
                                                 PORTICO_STR_LIT(plugin_version),           \
                                                 &portico_sdk_hooks,                        \
                                                 nullptr,                                   \
                                                 0};                                        \
  extern "C" PORTICO_EXPORT portico_status portico_plugin_negotiate(                        \
      const portico_host_api* host, const portico_plugin_info** info, portico_error* err) { \
    return ::portico::detail::negotiate(host, &portico_sdk_info, info, err);                \
  }

// Data access (ABI 1.1): portico::Db and portico::Redis; outbound HTTP (1.4): portico::Http.
#include "portico/db.hpp"
#include "portico/http.hpp"
#include "portico/redis.hpp"

#endif  // PORTICO_SDK_HPP
