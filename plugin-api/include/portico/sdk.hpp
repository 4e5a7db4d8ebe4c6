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
// HttpError into a JSON error response. Everything in plugin.h stays valid to call directly.
#ifndef PORTICO_SDK_HPP
#define PORTICO_SDK_HPP

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

#include "portico/json.hpp"
#include "portico/plugin.h"

namespace portico {

inline std::string_view view(portico_str s) {
  return s.ptr ? std::string_view(s.ptr, s.len) : "";
}
inline portico_str str(std::string_view s) {
  return portico_str{s.data(), s.size()};
}

// Throw from a handler to answer `status` with {"status", "message", "request_id"}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// Read-only view of the current request. Valid only inside the handler call.
class Request {
 public:
  Request(const portico_host_api* api, const portico_request* req) : api_(api), req_(req) {}

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

  // The body parsed as JSON; a malformed body becomes a 400 for the client.
  json::Value json() const {
    try {
      return json::parse(body());
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

  const portico_host_api* api_;
  const portico_request* req_;
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

 private:
  friend class Host;
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
};

enum class LogLevel {
  Trace = PORTICO_LOG_TRACE,
  Debug = PORTICO_LOG_DEBUG,
  Info = PORTICO_LOG_INFO,
  Warn = PORTICO_LOG_WARN,
  Error = PORTICO_LOG_ERROR
};

// A job as its handler sees it (ABI 1.1).
struct Job {
  std::string_view id;
  json::Value payload;
  uint32_t attempt;  // from 1
};

struct JobOptions {
  uint32_t delay_ms = 0;
  uint32_t max_attempts = 0;  // 0: host default
  uint32_t backoff_ms = 0;    // 0: host default
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
  void route(std::string_view method, std::string_view path, Handler handler,
             uint64_t max_body_bytes = 0) {
    routes_.push_back(Entry{this, std::move(handler)});
    portico_route r{};
    r.struct_size = sizeof r;
    r.method = str(method);
    r.path = str(path);
    r.handler = &Host::dispatch;
    r.route_data = &routes_.back();
    r.max_body_bytes = max_body_bytes;
    r.flags = PORTICO_ROUTE_FLAGS_NONE;
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    if (api_->route_add(ctx_, &r, &err) != PORTICO_OK) {
      routes_.pop_back();
      throw std::runtime_error(std::string(buf, err.len));
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
  void info(std::string_view message) const { log(LogLevel::Info, message); }
  void warn(std::string_view message) const { log(LogLevel::Warn, message); }
  void error(std::string_view message) const { log(LogLevel::Error, message); }

  // ---- Events and jobs (ABI 1.1) ----

  using EventHandler = std::function<void(std::string_view topic, const json::Value& payload)>;
  // Throwing fails the attempt: the job is retried with backoff, then dead-lettered.
  using JobHandler = std::function<void(const Job& job)>;
  // At-most-once, to every host. Throws HttpError(503) without Redis.
  void publish(std::string_view topic, const json::Value& payload) const {
    std::string text = payload.dump();
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    portico_status s = api_->event_publish(ctx_, str(topic), str(text), &err);
    if (s != PORTICO_OK) raise(s, "publish", err);
  }

  // From the plugin's constructor: handler runs for every event whose topic matches pattern.
  void subscribe(std::string_view pattern, EventHandler handler) {
    events_.push_back(std::move(handler));
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    portico_status s =
        api_->event_subscribe(ctx_, str(pattern), &Host::onEvent, &events_.back(), &err);
    if (s != PORTICO_OK) {
      events_.pop_back();
      raise(s, "subscribe", err);
    }
  }

  // Returns the job id. Throws HttpError(503) without Redis.
  std::string enqueue(std::string_view queue, const json::Value& payload,
                      JobOptions options = {}) const {
    std::string text = payload.dump();
    portico_job_options o{sizeof(portico_job_options), options.delay_ms, options.max_attempts,
                          options.backoff_ms};
    char id[PORTICO_JOB_ID_MAX] = {0};
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    portico_status s = api_->job_enqueue(ctx_, str(queue), str(text), &o, id, &err);
    if (s != PORTICO_OK) raise(s, "enqueue", err);
    return id;
  }

  // From the plugin's constructor: runs the jobs of queue.
  void handle_jobs(std::string_view queue, JobHandler handler) {
    jobs_.push_back(std::move(handler));
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    portico_status s = api_->job_handle(ctx_, str(queue), &Host::onJob, &jobs_.back(), &err);
    if (s != PORTICO_OK) {
      jobs_.pop_back();
      raise(s, "handle_jobs", err);
    }
  }

  std::pair<portico_job_state, uint32_t> job_status(std::string_view id) const {
    portico_job_state state = PORTICO_JOB_UNKNOWN;
    uint32_t attempts = 0;
    char buf[512];
    portico_error err{buf, sizeof buf, 0};
    portico_status s = api_->job_status(ctx_, str(id), &state, &attempts, &err);
    if (s != PORTICO_OK) raise(s, "job_status", err);
    return {state, attempts};
  }

  const portico_host_api* api() const { return api_; }
  portico_host_ctx* ctx() const { return ctx_; }

 private:
  struct Entry {
    Host* host;
    Handler handler;
  };

  [[noreturn]] static void raise(portico_status s, const char* what, const portico_error& err) {
    std::string message = std::string(what) + ": " + std::string(err.buf, err.len);
    if (s == PORTICO_ERR_UNAVAILABLE || s == PORTICO_ERR_TIMEOUT) throw HttpError(503, message);
    throw std::runtime_error(message);
  }

  static portico_status onEvent(void* data, portico_str topic, portico_str payload,
                                portico_error* err) {
    try {
      (*static_cast<EventHandler*>(data))(view(topic), json::parse(view(payload)));
      return PORTICO_OK;
    } catch (const std::exception& e) {
      portico_error_set(err, e.what());
    } catch (...) {
      portico_error_set(err, "unknown exception in event handler");
    }
    return PORTICO_ERR_INTERNAL;
  }

  static portico_status onJob(void* data, portico_str id, portico_str payload, uint32_t attempt,
                              portico_error* err) {
    try {
      (*static_cast<JobHandler*>(data))(Job{view(id), json::parse(view(payload)), attempt});
      return PORTICO_OK;
    } catch (const std::exception& e) {
      portico_error_set(err, e.what());
    } catch (...) {
      portico_error_set(err, "unknown exception in job handler");
    }
    return PORTICO_ERR_INTERNAL;
  }

  static portico_status dispatch(void* data, const portico_request* req, portico_response* res,
                                 portico_error* err) {
    auto* entry = static_cast<Entry*>(data);
    const portico_host_api* api = entry->host->api_;
    Request request(api, req);
    Response response;
    try {
      try {
        entry->handler(request, response);
      } catch (const HttpError& e) {
        response = Response();
        response.json(
            json::object(
                {{"status", e.status()}, {"message", e.what()}, {"request_id", request.id()}}),
            e.status());
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
  std::deque<EventHandler> events_;
  std::deque<JobHandler> jobs_;
};

// ---- Data (ABI 1.1) --------------------------------------------------------------------------

// A statement failed in PostgreSQL (syntax, constraint, ...); what() is PostgreSQL's message.
class DbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Typed parameters for what a plain C++ type cannot say on its own.
struct Uuid {
  std::string text;
};
struct Bytes {
  std::string data;
};
struct Jsonb {
  std::string text;
};
struct Timestamp {
  int64_t micros;  // since 1970-01-01T00:00:00Z
};

// One statement parameter; converts implicitly from the types it can carry. Text and bytes are
// referenced, not copied: keep them alive for the call (temporaries in the call expression are).
class Param {
 public:
  Param(std::nullptr_t) { v_.type = PORTICO_TYPE_NULL; }
  template <typename I,
            typename = std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>>
  Param(I i) {
    v_.type = PORTICO_TYPE_INT64;
    v_.i64 = static_cast<int64_t>(i);
  }
  Param(double d) {
    v_.type = PORTICO_TYPE_DOUBLE;
    v_.f64 = d;
  }
  Param(bool b) {
    v_.type = PORTICO_TYPE_BOOL;
    v_.b = b;
  }
  Param(std::string_view text) : Param(PORTICO_TYPE_TEXT, text) {}
  Param(const char* text) : Param(std::string_view(text)) {}
  Param(const std::string& text) : Param(std::string_view(text)) {}
  Param(const Uuid& u) : Param(PORTICO_TYPE_UUID, u.text) {}
  Param(const Bytes& b) : Param(PORTICO_TYPE_BYTEA, b.data) {}
  Param(const Jsonb& j) : Param(PORTICO_TYPE_JSONB, j.text) {}
  Param(Timestamp t) {
    v_.type = PORTICO_TYPE_TIMESTAMPTZ;
    v_.i64 = t.micros;
  }
  template <typename T>
  Param(const std::optional<T>& o) : Param(o ? Param(*o) : Param(nullptr)) {}

  const portico_value& value() const { return v_; }

 private:
  Param(portico_type type, std::string_view s) {
    v_.type = type;
    v_.str = str(s);
  }
  portico_value v_{};
};

// One cell of a result. Views are valid while the Rows it came from live.
class DbValue {
 public:
  explicit DbValue(const portico_value& v) : v_(v) {}
  portico_type type() const { return v_.type; }
  bool is_null() const { return v_.type == PORTICO_TYPE_NULL; }
  int64_t as_int() const { return expect(PORTICO_TYPE_INT64).i64; }
  double as_double() const { return expect(PORTICO_TYPE_DOUBLE).f64; }
  bool as_bool() const { return expect(PORTICO_TYPE_BOOL).b; }
  int64_t as_timestamp_micros() const { return expect(PORTICO_TYPE_TIMESTAMPTZ).i64; }
  // TEXT, UUID, JSONB as text; BYTEA as raw bytes.
  std::string_view as_text() const {
    if (v_.type != PORTICO_TYPE_TEXT && v_.type != PORTICO_TYPE_UUID &&
        v_.type != PORTICO_TYPE_JSONB && v_.type != PORTICO_TYPE_BYTEA) {
      throw DbError("database value is not text (type " + std::to_string(v_.type) + ")");
    }
    return view(v_.str);
  }

 private:
  const portico_value& expect(portico_type t) const {
    if (v_.type != t) {
      throw DbError("database value has type " + std::to_string(v_.type) + ", not " +
                    std::to_string(t));
    }
    return v_;
  }
  portico_value v_;
};

// The rows of a query; frees them when it goes.
class Rows {
 public:
  Rows(const portico_host_api* api, portico_db_rows* rows) : api_(api), rows_(rows) {}
  Rows(Rows&& o) noexcept : api_(o.api_), rows_(std::exchange(o.rows_, nullptr)) {}
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows& operator=(Rows&&) = delete;
  ~Rows() {
    if (rows_) api_->db_rows_free(rows_);
  }

  size_t size() const { return api_->db_rows_count(rows_); }
  size_t columns() const { return api_->db_rows_columns(rows_); }
  std::string_view column_name(size_t c) const { return view(api_->db_rows_column_name(rows_, c)); }
  DbValue at(size_t row, size_t column) const {
    portico_value v{};
    if (api_->db_rows_get(rows_, row, column, &v) != PORTICO_OK) {
      throw DbError("no cell (" + std::to_string(row) + ", " + std::to_string(column) + ")");
    }
    return DbValue(v);
  }
  DbValue at(size_t row, std::string_view column) const {
    for (size_t c = 0; c < columns(); ++c) {
      if (column_name(c) == column) return at(row, c);
    }
    throw DbError("no column named " + std::string(column));
  }

 private:
  const portico_host_api* api_;
  portico_db_rows* rows_;
};

namespace detail {

// Turns a failed data call into the exception a handler should see: 503 for "try again later",
// DbError for a statement PostgreSQL refused.
inline void check(portico_status s, const portico_error& err, const char* what) {
  if (s == PORTICO_OK) return;
  std::string message = std::string(what) + ": " + std::string(err.buf, err.len);
  if (s == PORTICO_ERR_UNAVAILABLE || s == PORTICO_ERR_TIMEOUT) throw HttpError(503, message);
  if (s == PORTICO_ERR_QUERY) throw DbError(std::string(err.buf, err.len));
  throw std::runtime_error(message);
}

struct ErrorBuffer {
  char buf[1024] = {0};
  portico_error err{buf, sizeof buf, 0};
};

}  // namespace detail

// A leased PostgreSQL session: acquired by the constructor, released by the destructor. Throws
// HttpError(503) when the database is unavailable or every session stays busy.
class Db {
 public:
  explicit Db(const Host& host, uint32_t timeout_ms = 0) : api_(host.api()) {
    detail::ErrorBuffer e;
    detail::check(api_->db_acquire(host.ctx(), timeout_ms, &db_, &e.err), e.err, "database");
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { api_->db_release(db_); }

  // Returns the number of rows affected.
  uint64_t execute(std::string_view sql, std::initializer_list<Param> params = {}) {
    std::vector<portico_value> values = unpack(params);
    uint64_t affected = 0;
    detail::ErrorBuffer e;
    detail::check(api_->db_execute(db_, str(sql), values.data(), values.size(), &affected, &e.err),
                  e.err, "execute");
    return affected;
  }

  Rows query(std::string_view sql, std::initializer_list<Param> params = {}) {
    std::vector<portico_value> values = unpack(params);
    portico_db_rows* rows = nullptr;
    detail::ErrorBuffer e;
    detail::check(api_->db_query(db_, str(sql), values.data(), values.size(), &rows, &e.err), e.err,
                  "query");
    return Rows(api_, rows);
  }

  // Rolls back unless commit() was called.
  class Transaction {
   public:
    explicit Transaction(Db& db) : db_(db) { db_.call(db_.api_->db_begin, "begin"); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (!done_) {
        detail::ErrorBuffer e;
        db_.api_->db_rollback(db_.db_, &e.err);
      }
    }
    void commit() {
      done_ = true;
      db_.call(db_.api_->db_commit, "commit");
    }

   private:
    Db& db_;
    bool done_ = false;
  };

  Transaction begin() { return Transaction(*this); }

 private:
  static std::vector<portico_value> unpack(std::initializer_list<Param> params) {
    std::vector<portico_value> out;
    out.reserve(params.size());
    for (const auto& p : params) out.push_back(p.value());
    return out;
  }
  void call(portico_status (*fn)(portico_db*, portico_error*), const char* what) {
    detail::ErrorBuffer e;
    detail::check(fn(db_, &e.err), e.err, what);
  }

  const portico_host_api* api_;
  portico_db* db_ = nullptr;
};

// A Redis reply: a view into the tree owned by the RedisReply that the command returned.
class RedisValue {
 public:
  RedisValue(const portico_host_api* api, const portico_redis_reply* r) : api_(api), r_(r) {}
  portico_redis_type type() const { return api_->redis_reply_type(r_); }
  bool is_nil() const { return type() == PORTICO_REDIS_NIL; }
  bool is_error() const { return type() == PORTICO_REDIS_ERROR; }
  int64_t integer() const { return api_->redis_reply_integer(r_); }
  std::string_view text() const { return view(api_->redis_reply_string(r_)); }
  size_t size() const { return api_->redis_reply_length(r_); }
  RedisValue operator[](size_t i) const {
    return RedisValue(api_, api_->redis_reply_element(r_, i));
  }

 protected:
  const portico_host_api* api_;
  const portico_redis_reply* r_;
};

// Owns a top-level reply.
class RedisReply : public RedisValue {
 public:
  RedisReply(const portico_host_api* api, portico_redis_reply* r) : RedisValue(api, r) {}
  RedisReply(RedisReply&& o) noexcept : RedisValue(o.api_, std::exchange(o.r_, nullptr)) {}
  RedisReply(const RedisReply&) = delete;
  RedisReply& operator=(const RedisReply&) = delete;
  RedisReply& operator=(RedisReply&&) = delete;
  ~RedisReply() {
    if (r_) api_->redis_reply_free(const_cast<portico_redis_reply*>(r_));
  }
};

// A leased Redis connection, with the same rules as Db.
class Redis {
 public:
  explicit Redis(const Host& host, uint32_t timeout_ms = 0) : api_(host.api()) {
    detail::ErrorBuffer e;
    detail::check(api_->redis_acquire(host.ctx(), timeout_ms, &redis_, &e.err), e.err, "redis");
  }
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;
  ~Redis() { api_->redis_release(redis_); }

  RedisReply command(std::initializer_list<std::string_view> argv) {
    std::vector<portico_str> args;
    for (auto a : argv) args.push_back(str(a));
    return send(args);
  }
  RedisReply command(const std::vector<std::string>& argv) {
    std::vector<portico_str> args;
    for (const auto& a : argv) args.push_back(str(a));
    return send(args);
  }

 private:
  RedisReply send(const std::vector<portico_str>& args) {
    portico_redis_reply* reply = nullptr;
    detail::ErrorBuffer e;
    detail::check(api_->redis_command(redis_, args.data(), args.size(), &reply, &e.err), e.err,
                  "redis command");
    return RedisReply(api_, reply);
  }

  const portico_host_api* api_;
  portico_redis* redis_ = nullptr;
};

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

inline portico_status negotiate(const portico_host_api* host, const portico_plugin_info* mine,
                                const portico_plugin_info** out, portico_error* err) {
  if (host == nullptr || out == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (host->abi_major != PORTICO_ABI_MAJOR) {
    std::string msg = "plugin was built for ABI major " + std::to_string(PORTICO_ABI_MAJOR) +
                      " but the host speaks " + std::to_string(host->abi_major) +
                      "; rebuild the plugin against this host's plugin-api";
    portico_error_set(err, msg.c_str());
    return PORTICO_ERR_INCOMPATIBLE;
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
  static const portico_plugin_info portico_sdk_info = {sizeof(portico_plugin_info),         \
                                                       PORTICO_ABI_MAJOR,                   \
                                                       PORTICO_ABI_MINOR,                   \
                                                       PORTICO_STR_LIT(plugin_name),        \
                                                       PORTICO_STR_LIT(plugin_version),     \
                                                       &portico_sdk_hooks};                 \
  extern "C" PORTICO_EXPORT portico_status portico_plugin_negotiate(                        \
      const portico_host_api* host, const portico_plugin_info** info, portico_error* err) { \
    return ::portico::detail::negotiate(host, &portico_sdk_info, info, err);                \
  }

#endif  // PORTICO_SDK_HPP
