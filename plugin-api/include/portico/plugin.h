/* SPDX-License-Identifier: MIT */
/*
 * portico/plugin.h — the Portico plugin ABI.
 *
 * This header is the whole contract between the host (porticod) and a plugin (a shared library).
 * It is plain C11, depends only on <stddef.h>, <stdint.h> and <stdbool.h>, and may be used from any
 * compiler and any language that can call C. Nothing of C++, the STL or Poco ever crosses it.
 * ABI.md beside this directory explains the same rules at more length, with examples.
 *
 * ---------------------------------------------------------------------------------------------
 * VERSION HISTORY
 *
 *   1.0  First stable ABI: negotiation, lifecycle hooks (init, ready, drain, destroy), routes,
 *        request/response views with buffered bodies, per-plugin config and logging.
 *   1.1  PostgreSQL sessions (parameterised execute/query, typed results, transactions) and
 *        Redis sessions (any command as argv, every RESP reply type), both leased from host
 *        pools; the event bus (publish, subscribe); the job queue (enqueue, handle, status).
 *        Status codes PORTICO_ERR_QUERY and PORTICO_ERR_TIMEOUT.
 *   1.2  Authentication: routes declare an auth mode and required scopes (appended members of
 *        portico_route); the host verifies bearer and service tokens and hands the principal to
 *        the handler (request_principal); request_client_ip; token_issue, token_revoke,
 *        subject_revoke and token_jwks so that an auth service signs with the host's keys.
 *   1.3  A plugin carries its schema: portico_migration and the migrations / migration_count
 *        members appended to portico_plugin_info, applied by the host before init. Contexts of
 *        one call: request_ctx, and event and job handlers that receive one
 *        (event_subscribe_ctx, job_handle_ctx): what is taken through them belongs to that call,
 *        from any thread. log_enabled, so that a plugin skips formatting lines the host drops.
 *   1.4  Outbound HTTP through the host's client (http_fetch and the http_response_* accessors,
 *        portico_http_request, portico_http_header): an allow-list per plugin, retries, a
 *        circuit breaker per destination, streamed request and response bodies.
 *        Status code PORTICO_ERR_DENIED.
 *   1.5  Streams: a handler may answer with a response that goes on after its head
 *        (response_stream: chunked, server-sent events) or take a WebSocket upgrade
 *        (response_websocket); the plugin writes to the stream from any thread without holding
 *        a host thread between writes and hears of messages, room to write and the end through
 *        portico_stream_handlers. Push channels across hosts (channel_publish,
 *        stream_subscribe). A route may read its request body as it arrives
 *        (PORTICO_ROUTE_STREAM_BODY, request_body_read). call_traceparent: the trace context
 *        of a call, carried from a request into the events and jobs it causes. Status codes
 *        PORTICO_ERR_CLOSED and PORTICO_ERR_WOULD_BLOCK.
 *   1.6  An outbound call can be cancelled while it waits (is_cancelled, appended to
 *        portico_http_request; status code PORTICO_ERR_CANCELED): the upstream call of a client
 *        that went away stops at once instead of running to its end. A plugin counts its own
 *        events on /metrics (metric_count) and reports the state of its components (a
 *        provider it could not configure) on /ready (component_state).
 *   1.7  request_scheme: whether a request reached the host over TLS (porticod's own, or a
 *        trusted proxy's that says so in X-Forwarded-Proto).
 *
 * ---------------------------------------------------------------------------------------------
 * COMPATIBILITY POLICY
 *
 *   - PORTICO_ABI_MAJOR changes only when an existing type, member, function or meaning changes.
 *     A host loads only plugins built against its own major.
 *   - PORTICO_ABI_MINOR grows when something is appended. A host loads every plugin whose minor is
 *     less than or equal to its own; a plugin built against a newer minor than the host is refused
 *     (it might call members the host does not have).
 *   - Every table starts with `struct_size` and only ever grows at its end. Whoever reads a
 *     table it did not fill checks `struct_size` before touching a member added after 1.0
 *     (PORTICO_HAS_MEMBER below does exactly that).
 *   - Structs that travel in arrays (portico_str, portico_value, portico_migration) and
 *     portico_error have no struct_size: their layout is frozen for the whole major version.
 *     tests/abi asserts the size and every offset of each frozen struct and of every 1.x table,
 *     so a change that would break built plugins fails the build. tests/abi/released keeps the
 *     headers of released minors as they were: every member they declared must keep its offset
 *     and size here (abi.layout_keeps_released), and plugins built from them load, serve and
 *     hot-swap in today's host (e2e.AbiReleased).
 *   - Enum values are never reused or renumbered; new ones are appended. Unknown status values
 *     must be treated as failures.
 *   - Nothing is ever removed within a major version.
 *   This policy is written here only; ABI.md refers to it.
 *
 * ---------------------------------------------------------------------------------------------
 * CONVENTIONS THAT HOLD FOR EVERY FUNCTION BELOW
 *
 *   Errors:    every fallible function returns portico_status (PORTICO_OK == 0). Details go to a
 *              portico_error buffer owned by the caller, when one is passed; a callee never
 *              allocates an error message. No exception (C++ or otherwise) may cross the boundary:
 *              the C++ SDK catches everything at the edge and turns it into a status.
 *   Strings:   cross as portico_str views {ptr, len}: not NUL-terminated, UTF-8 expected, never
 *              owned by the receiver. A view handed to you is valid for the lifetime stated on the
 *              function that handed it; copy it to keep it longer.
 *   Ownership: the host frees what the host allocated, the plugin what the plugin allocated.
 *              Handles (portico_host_ctx, portico_request, portico_response) are host-owned.
 *   Threading: request handlers run concurrently on many host threads; a plugin must be
 *              thread-safe. Lifecycle hooks (negotiate, init, ready, drain, destroy) of one plugin
 *              instance are called one at a time, never concurrently with each other.
 *   Unloading: the host dlclose()s a plugin after destroy. A plugin must leave nothing behind that
 *              runs its code: join its threads in drain (or in destroy, for threads that
 *              requests still running may need, like a hashing pool), register no atexit
 *              handlers, use no thread_local objects with destructors. Build with
 *              -fno-gnu-unique (the CMake helper portico_add_plugin() sets this) so the library
 *              can really be unmapped.
 */
#ifndef PORTICO_PLUGIN_H
#define PORTICO_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version this header describes. See the compatibility policy above. */
#define PORTICO_ABI_MAJOR 1u
#define PORTICO_ABI_MINOR 7u

/* Name of the one symbol a plugin exports; see portico_negotiate_fn. */
#define PORTICO_ENTRY_SYMBOL "portico_plugin_negotiate"

#if defined(_WIN32)
#define PORTICO_EXPORT __declspec(dllexport)
#else
#define PORTICO_EXPORT __attribute__((visibility("default")))
#endif

/* True when a table filled by the other side is large enough to contain `member`. */
#define PORTICO_HAS_MEMBER(table_ptr, type, member) \
  ((table_ptr)->struct_size >= offsetof(type, member) + sizeof(((type*)0)->member))

/* ------------------------------------------------------------------------------------------ */
/* Status codes                                                                                */
/* ------------------------------------------------------------------------------------------ */

/* Result of every fallible call. Values are fixed forever; new ones are only appended. */
typedef enum portico_status {
  PORTICO_OK = 0,
  PORTICO_ERR_INVALID_ARGUMENT = 1, /* a parameter was malformed (bad route template, ...) */
  PORTICO_ERR_NOT_FOUND = 2,        /* the asked-for item (header, param, config key) is absent */
  PORTICO_ERR_INCOMPATIBLE = 3,     /* ABI negotiation failed */
  PORTICO_ERR_CONFLICT = 4,         /* the item already exists (duplicate route, ...) */
  PORTICO_ERR_TOO_LARGE = 5,        /* a size limit was exceeded */
  PORTICO_ERR_WRONG_STATE = 6,      /* call not allowed now (route_add outside init, ...) */
  PORTICO_ERR_UNAVAILABLE = 7,      /* a resource is temporarily unavailable */
  PORTICO_ERR_INTERNAL = 8,         /* anything else; the error buffer says what */
  PORTICO_ERR_QUERY = 9,            /* 1.1: the database refused a statement; message is its own */
  PORTICO_ERR_TIMEOUT = 10,         /* 1.1: no pooled session became free in time */
  PORTICO_ERR_DENIED = 11,          /* 1.4: refused by policy (outbound allow-list, ...) */
  PORTICO_ERR_CLOSED = 12,          /* 1.5: the stream has ended; nothing more can be sent */
  PORTICO_ERR_WOULD_BLOCK = 13,     /* 1.5: the stream's send buffer is full; see on_writable */
  PORTICO_ERR_CANCELED = 14,        /* 1.6: the caller cancelled the call (is_cancelled) */
  PORTICO_STATUS_FORCE_32BIT = 0x7fffffff
} portico_status;

/* ------------------------------------------------------------------------------------------ */
/* Strings and errors                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* A borrowed UTF-8 string view. Not NUL-terminated. The lifetime is stated where it is handed out.
 * {NULL, 0} is the empty string. */
typedef struct portico_str {
  const char* ptr;
  size_t len;
} portico_str;

/* A view of a string literal, e.g. PORTICO_STR_LIT("GET"). */
#define PORTICO_STR_LIT(s) \
  { (s), sizeof(s) - 1 }

/* Caller-owned buffer a callee writes an error message into.
 * The caller sets buf/cap (and len = 0); the callee writes at most cap-1 bytes, sets len and
 * NUL-terminates. A NULL portico_error* means "I do not want the message". Never freed by the
 * callee. Valid only for the duration of the call it is passed to. */
typedef struct portico_error {
  char* buf;
  size_t cap;
  size_t len;
} portico_error;

/* Copies a NUL-terminated message into err, truncating to fit. Safe with err == NULL. */
static inline void portico_error_set(portico_error* err, const char* message) {
  size_t n = 0;
  if (err == NULL || err->buf == NULL || err->cap == 0) return;
  while (message != NULL && message[n] != '\0' && n + 1 < err->cap) {
    err->buf[n] = message[n];
    ++n;
  }
  err->buf[n] = '\0';
  err->len = n;
}

/* ------------------------------------------------------------------------------------------ */
/* Opaque handles (all host-owned)                                                             */
/* ------------------------------------------------------------------------------------------ */

/* How a plugin reaches the host. Two kinds, passed wherever a function takes one:
 *   - the generation's own context, handed to init: valid until destroy returns. Leases taken
 *     through it belong to the generation (reclaimed when it closes); its log lines carry no id.
 *   - 1.3: the context of one call into the plugin (a request: request_ctx; an event or a job:
 *     handed to handlers registered with event_subscribe_ctx / job_handle_ctx). Valid until that
 *     call returns. Leases taken through it belong to the call, from whichever thread takes
 *     them, and are reclaimed when it returns; log lines carry the request id, topic or job id.
 *     Everything else (config_get, publish, enqueue, tokens) acts as on the generation's.
 * Either may be used from any thread while valid. */
typedef struct portico_host_ctx portico_host_ctx;

/* One HTTP request. Valid only during the handler call it is passed to; never keep it. Read-only;
 * may be read from the handler's thread only. */
typedef struct portico_request portico_request;

/* The response to that request. Valid only during the handler call; handler's thread only. */
typedef struct portico_response portico_response;

/* 1.5: a response that goes on after its head: a chunked body (server-sent events, a download
 * made as it is sent) or a WebSocket. Host-owned. The plugin gets one from response_stream or
 * response_websocket and gives it back with stream_release, exactly once, from any thread, at
 * any time (even before on_close: writing then simply stops being possible). */
typedef struct portico_stream portico_stream;

/* 1.5: what a plugin hears of one stream. Plugin-owned; the host copies the struct when the
 * stream is made. Every callback runs on a host event-loop thread, one at a time per stream:
 * return quickly and never wait in one (take a job, or hand the work to a thread of your own).
 * user_data must stay valid until on_close has returned. */
typedef struct portico_stream_handlers {
  size_t struct_size; /* sizeof(portico_stream_handlers) as the plugin compiled it */
  void* user_data;    /* passed back untouched */
  /* A whole WebSocket message (fragments joined; text already checked to be UTF-8). data is
   * valid during the call. NULL: messages are read and dropped. Never called for a chunked
   * stream. */
  void (*on_message)(void* user_data, portico_stream* stream, bool binary, portico_str data);
  /* A write was refused with PORTICO_ERR_WOULD_BLOCK and the buffer has since drained to half.
   * May be NULL. */
  void (*on_writable)(void* user_data, portico_stream* stream);
  /* The stream has ended: the client went away (1001 or 1006), the plugin closed it (its own
   * code), the client closed it (its code, 1005 when it gave none), the protocol was broken
   * (1002, 1007 bad UTF-8, 1009 message too big), the plugin's generation was replaced and its
   * drain deadline passed (1012), or porticod is stopping (1001). reason is valid during the
   * call. Called exactly once, after every other callback; required. */
  void (*on_close)(void* user_data, portico_stream* stream, uint32_t code, portico_str reason);
} portico_stream_handlers;

/* ------------------------------------------------------------------------------------------ */
/* Logging                                                                                     */
/* ------------------------------------------------------------------------------------------ */

typedef enum portico_log_level {
  PORTICO_LOG_TRACE = 0,
  PORTICO_LOG_DEBUG = 1,
  PORTICO_LOG_INFO = 2,
  PORTICO_LOG_WARN = 3,
  PORTICO_LOG_ERROR = 4,
  PORTICO_LOG_LEVEL_FORCE_32BIT = 0x7fffffff
} portico_log_level;

/* ------------------------------------------------------------------------------------------ */
/* Routes                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Handles one request.
 *   route_data: the pointer given in portico_route (plugin-owned).
 *   req, res:   host-owned, valid only during this call.
 *   err:        may be NULL; on failure write a message for the host's log.
 * Return PORTICO_OK when a response was composed (any HTTP status, including 4xx). Any other status
 * makes the host answer 500 with a JSON error and log the message: the client never sees it.
 * Threading: called concurrently from many host threads. */
typedef portico_status (*portico_handler_fn)(void* route_data, const portico_request* req,
                                             portico_response* res, portico_error* err);

/* Route flags. 1.0 defines none; pass 0. A host refuses flags it does not know. */
#define PORTICO_ROUTE_FLAGS_NONE 0u
/* 1.5: the handler reads the request body itself, as it arrives, with request_body_read; the
 * host does not read it first, and request_body stays empty. max_body_bytes still bounds it. */
#define PORTICO_ROUTE_STREAM_BODY 1u

/* 1.2: who may call a route. The host checks tokens before the handler runs, so a handler of a
 * REQUIRED route always finds a principal. A route of a plugin built before 1.2 is PUBLIC. */
typedef enum portico_auth_mode {
  /* Anyone. Tokens are not looked at and no principal is handed over. */
  PORTICO_AUTH_PUBLIC = 0,
  /* Anyone; a valid token yields a principal. A token that is sent but invalid is still 401:
   * a client that believes it is signed in must learn that it is not. */
  PORTICO_AUTH_OPTIONAL = 1,
  /* A valid user token (Authorization: Bearer) or service token (X-Service-Token) is needed:
   * 401 with WWW-Authenticate without one, 403 when it lacks a required scope. */
  PORTICO_AUTH_REQUIRED = 2,
  PORTICO_AUTH_MODE_FORCE_32BIT = 0x7fffffff
} portico_auth_mode;

/* Describes one route. Plugin-owned; the host copies what it needs during route_add. */
typedef struct portico_route {
  size_t struct_size;         /* sizeof(portico_route) as the plugin compiled it */
  portico_str method;         /* "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" */
  portico_str path;           /* template: "/users/{id}/avatar"; a {param} matches one segment */
  portico_handler_fn handler; /* required */
  void* route_data;           /* passed back to handler untouched; plugin keeps it alive */
  uint64_t max_body_bytes;    /* larger bodies get 413 before the handler runs; 0 = host default */
  uint32_t flags;             /* PORTICO_ROUTE_FLAGS_NONE in 1.0 */
  /* 1.2 */
  uint32_t auth;      /* a portico_auth_mode */
  portico_str scopes; /* space-separated scopes the principal must all hold; empty = none.
                         Checked whenever there is a principal (REQUIRED, or OPTIONAL with a
                         token). Scope names are [A-Za-z0-9:._-]{1,64}. */
} portico_route;

/* 1.2: the verified caller of a request, as handed out by request_principal. The caller sets
 * struct_size; the host fills the members that fit and leaves the rest untouched. Every view is
 * valid until the handler returns. */
typedef struct portico_principal {
  size_t struct_size;   /* sizeof(portico_principal) as the plugin compiled it */
  portico_str subject;  /* the token's `sub`: a user id, or "service:<name>" for a service */
  portico_str scopes;   /* the token's `scope` claim: space-separated */
  portico_str claims;   /* the whole verified payload as JSON text */
  portico_str token_id; /* the token's `jti` (pass it to token_revoke to sign the token out) */
  int64_t expires_at;   /* the token's `exp`, seconds since 1970-01-01T00:00:00Z */
  portico_str service;  /* name of the calling service when a valid X-Service-Token came with
                           the request, else empty */
} portico_principal;

/* ------------------------------------------------------------------------------------------ */
/* Data (1.1)                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* A PostgreSQL session leased from the host's pool (db_acquire .. db_release). Host-owned. Use it
 * from one thread at a time. A lease taken through a call's context (1.3) and still open when
 * that call returns, or any lease still open when its generation closes, is reclaimed by the
 * host (rolled back, returned to the pool, logged). */
typedef struct portico_db portico_db;

/* The rows of one query. Host-owned; valid until db_rows_free, independent of the lease that ran
 * the query (rows may outlive it). Read from one thread at a time. */
typedef struct portico_db_rows portico_db_rows;

/* A Redis session leased from the host's pool (redis_acquire .. redis_release), with the same
 * lease rules as portico_db. */
typedef struct portico_redis portico_redis;

/* One Redis reply (possibly an array of replies). Host-owned; valid until redis_reply_free. */
typedef struct portico_redis_reply portico_redis_reply;

/* Types a database value can have. Values are never reused. */
typedef enum portico_type {
  PORTICO_TYPE_NULL = 0,
  PORTICO_TYPE_INT64 = 1,  /* int2, int4, int8, oid */
  PORTICO_TYPE_DOUBLE = 2, /* float4, float8 */
  PORTICO_TYPE_BOOL = 3,
  PORTICO_TYPE_TEXT = 4,        /* text, varchar, numeric and every type not listed here */
  PORTICO_TYPE_BYTEA = 5,       /* raw bytes */
  PORTICO_TYPE_UUID = 6,        /* 36-character lower-case text */
  PORTICO_TYPE_TIMESTAMPTZ = 7, /* microseconds since 1970-01-01T00:00:00Z; +-infinity are
                                   INT64_MAX / INT64_MIN */
  PORTICO_TYPE_JSONB = 8,       /* JSON text (json and jsonb columns) */
  PORTICO_TYPE_FORCE_32BIT = 0x7fffffff
} portico_type;

/* A typed value: a statement parameter, or a cell of a result. Exactly one member is meaningful,
 * chosen by `type`. The layout is frozen for ABI major 1 (arrays of it cross the boundary).
 * As a parameter, the caller owns `str`; as a result, `str` points into the portico_db_rows and
 * is valid until db_rows_free. */
typedef struct portico_value {
  portico_type type;
  int64_t i64;     /* INT64, TIMESTAMPTZ */
  double f64;      /* DOUBLE */
  bool b;          /* BOOL */
  portico_str str; /* TEXT, BYTEA, UUID, JSONB */
} portico_value;

/* Types of Redis replies (RESP2). Values are never reused. */
typedef enum portico_redis_type {
  PORTICO_REDIS_NIL = 0,    /* null bulk string or null array */
  PORTICO_REDIS_STATUS = 1, /* simple string, e.g. "OK" */
  PORTICO_REDIS_ERROR = 2,  /* error reply, e.g. "WRONGTYPE ..." (the call itself succeeded) */
  PORTICO_REDIS_INTEGER = 3,
  PORTICO_REDIS_STRING = 4, /* bulk string, binary-safe */
  PORTICO_REDIS_ARRAY = 5,
  PORTICO_REDIS_TYPE_FORCE_32BIT = 0x7fffffff
} portico_redis_type;

/* Handles one event. topic and payload (JSON text) are valid only during the call. Called on a
 * host event thread, concurrently with anything else. The return value is only logged: events are
 * at-most-once and never redelivered. */
typedef portico_status (*portico_event_fn)(void* user_data, portico_str topic, portico_str payload,
                                           portico_error* err);

/* Runs one job. job_id and payload are valid only during the call; attempt counts from 1.
 * Return PORTICO_OK to complete the job; anything else fails this attempt (the message is kept as
 * the job's last error) and the job is retried with backoff until max_attempts, then dead-lettered.
 * A job can run more than once (at-least-once: a host that dies mid-job leaves it to be claimed
 * again), so make handlers idempotent. Called on a host worker thread. */
typedef portico_status (*portico_job_fn)(void* user_data, portico_str job_id, portico_str payload,
                                         uint32_t attempt, portico_error* err);

/* 1.3: the same handlers, also given the context of this call (see portico_host_ctx): take
 * leases through `call` and they are reclaimed when the handler returns. */
typedef portico_status (*portico_event_ctx_fn)(void* user_data, portico_host_ctx* call,
                                               portico_str topic, portico_str payload,
                                               portico_error* err);
typedef portico_status (*portico_job_ctx_fn)(void* user_data, portico_host_ctx* call,
                                             portico_str job_id, portico_str payload,
                                             uint32_t attempt, portico_error* err);

/* Options of job_enqueue. Caller-owned; zero members take the host's defaults. */
typedef struct portico_job_options {
  size_t struct_size;    /* sizeof(portico_job_options) as the caller compiled it */
  uint32_t delay_ms;     /* run no earlier than this from now */
  uint32_t max_attempts; /* default jobs.max_attempts */
  uint32_t backoff_ms;   /* first retry delay, doubled per attempt; default jobs.backoff_ms */
} portico_job_options;

/* 1.4: one header of an outbound request or response. Frozen layout (travels in arrays). */
typedef struct portico_http_header {
  portico_str name;
  portico_str value;
} portico_http_header;

/* 1.4: fills buf (cap bytes) with the next part of a streamed request body and sets *len; *len = 0
 * ends the body. Called on the thread inside http_fetch, never after it returns. A stream cannot
 * be replayed, so a call with a body_reader is never retried. Anything but PORTICO_OK aborts the
 * call. */
typedef portico_status (*portico_http_read_fn)(void* user_data, char* buf, size_t cap, size_t* len);
/* 1.4: receives the response body chunk by chunk as it arrives, in order, on the thread inside
 * http_fetch and never after it returns. The view is valid during the call only. Anything but
 * PORTICO_OK stops the transfer (http_fetch then returns that status). */
typedef portico_status (*portico_http_chunk_fn)(void* user_data, portico_str chunk);

/* 1.4: an outbound HTTP request. Caller-owned; read only during http_fetch. Zero members take
 * the host's defaults (outbound.* in porticod.properties). */
typedef struct portico_http_request {
  size_t struct_size;                 /* sizeof(portico_http_request) as the caller compiled it */
  portico_str method;                 /* "GET", "POST", ...; empty: GET */
  portico_str url;                    /* absolute http:// or https:// URL */
  const portico_http_header* headers; /* header_count entries; the host adds traceparent */
  size_t header_count;
  portico_str body;                 /* the whole body; or empty, with body_reader: */
  portico_http_read_fn body_reader; /* a streamed body (NULL: none) */
  void* body_reader_data;
  int64_t body_length;           /* of the streamed body; -1: unknown (sent chunked) */
  uint32_t connect_timeout_ms;   /* per attempt; 0: outbound.connect_timeout_ms */
  uint32_t timeout_ms;           /* the whole call, retries included; 0: outbound.timeout_ms. Never
                                    longer than what is left of the calling request's or job's
                                    own deadline, nor of a retired generation's drain. */
  uint32_t max_attempts;         /* 0 or 1: one attempt. More: retried on connection errors, 408,
                                    429 and 5xx if the method is idempotent or an Idempotency-Key
                                    header is given, with backoff and Retry-After honoured. */
  portico_http_chunk_fn on_body; /* non-NULL: the body goes to it as it arrives, not kept */
  void* on_body_data;
  /* 1.6: non-NULL: asked on the thread inside http_fetch while the call is under way, at least
   * once a second even while the peer is silent (and before each attempt). Returning true ends
   * the call at once, closing its connection, and http_fetch returns PORTICO_ERR_CANCELED: stop
   * the upstream call of a client that has gone (a stream's on_close sets a flag this reads) or
   * of a job that was cancelled. Must not block. */
  bool (*is_cancelled)(void* user_data);
  void* is_cancelled_data;
} portico_http_request;

/* 1.4: the answer to an outbound request. Host-owned until http_response_free. */
typedef struct portico_http_response portico_http_response;

/* States of a job. Values are never reused. */
typedef enum portico_job_state {
  PORTICO_JOB_UNKNOWN = 0, /* no such job (or its record expired) */
  PORTICO_JOB_QUEUED = 1,  /* waiting, possibly delayed */
  PORTICO_JOB_RUNNING = 2,
  PORTICO_JOB_RETRYING = 3, /* failed, waiting for its next attempt */
  PORTICO_JOB_DONE = 4,
  PORTICO_JOB_DEAD = 5, /* failed max_attempts times; kept in the dead-letter stream */
  PORTICO_JOB_STATE_FORCE_32BIT = 0x7fffffff
} portico_job_state;

/* Longest job id job_enqueue writes, NUL included. */
#define PORTICO_JOB_ID_MAX 64

/* 1.2: longest token id (jti) token_issue writes, NUL included. */
#define PORTICO_TOKEN_ID_MAX 64

/* ------------------------------------------------------------------------------------------ */
/* The host's function table                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Filled by the host, read-only for the plugin, valid until the plugin's destroy returns.
 * Every function may be called from any thread unless it says otherwise. */
typedef struct portico_host_api {
  size_t struct_size; /* check with PORTICO_HAS_MEMBER before using members added after 1.0 */
  uint32_t abi_major;
  uint32_t abi_minor;
  portico_str host_version; /* porticod's own version, e.g. "0.1.0"; static */

  /* Writes one line to this plugin's logger; through a call's context (1.3) tagged with its id. */
  void (*log)(portico_host_ctx* ctx, portico_log_level level, portico_str message);

  /* Looks up `key` in this plugin's own config section ([plugin.<name>.<key>], overridable from
   * the environment). On PORTICO_OK *value is valid until destroy returns.
   * Returns PORTICO_ERR_NOT_FOUND when the key is not set. */
  portico_status (*config_get)(portico_host_ctx* ctx, portico_str key, portico_str* value);

  /* Registers a route. Only during init (else PORTICO_ERR_WRONG_STATE). Fails with
   * PORTICO_ERR_INVALID_ARGUMENT for a bad method/template/flags and PORTICO_ERR_CONFLICT when this
   * plugin already has the same method and path shape. Conflicts with other plugins are checked
   * when the generation is published; the load then fails with a message naming both. */
  portico_status (*route_add)(portico_host_ctx* ctx, const portico_route* route,
                              portico_error* err);

  /* Request accessors. Returned views are valid until the handler returns. */
  portico_str (*request_method)(const portico_request* req);
  portico_str (*request_path)(const portico_request* req);  /* decoded, normalised path */
  portico_str (*request_query)(const portico_request* req); /* raw query string, without '?' */
  portico_str (*request_id)(const portico_request* req);    /* also sent as X-Request-Id */
  portico_str (*request_body)(const portico_request* req);  /* whole body, already size-checked */
  /* A {param} of the matched template, percent-decoded. PORTICO_ERR_NOT_FOUND if no such name. */
  portico_status (*request_param)(const portico_request* req, portico_str name, portico_str* value);
  /* First query parameter with that name, percent-decoded. PORTICO_ERR_NOT_FOUND if absent. */
  portico_status (*request_query_param)(const portico_request* req, portico_str name,
                                        portico_str* value);
  /* Header by case-insensitive name (first occurrence). PORTICO_ERR_NOT_FOUND if absent. */
  portico_status (*request_header)(const portico_request* req, portico_str name,
                                   portico_str* value);

  /* Response composition. The body is buffered by the host and sent after the handler returns.
   * Default status is 200 and default Content-Type is application/json; a 204 or 304 gets no
   * Content-Type, and a body written for one is not sent. */
  portico_status (*response_set_status)(portico_response* res, uint32_t http_status);
  /* Adds a header; a second call with the same name adds a second line, except for
   * Content-Type, which a response has once: it replaces the default and any earlier one.
   * Refused with PORTICO_ERR_INVALID_ARGUMENT: names that are not HTTP tokens, values with CR,
   * LF or NUL, and the headers that frame the message (Content-Length, Transfer-Encoding,
   * Connection, ...), which belong to the host. */
  portico_status (*response_add_header)(portico_response* res, portico_str name, portico_str value);
  /* Appends to the body. PORTICO_ERR_TOO_LARGE past the host's response limit. */
  portico_status (*response_write)(portico_response* res, portico_str data);

  /* ---- 1.1: PostgreSQL. Check PORTICO_HAS_MEMBER(host, portico_host_api, db_acquire). ---- */

  /* Leases a session from the pool, waiting at most timeout_ms (0 = the host's
   * database.borrow_timeout_ms). PORTICO_ERR_UNAVAILABLE when the database cannot be reached or
   * is not configured, PORTICO_ERR_TIMEOUT when every session stayed busy. Answer 503 then.
   * Release with db_release, from any thread, exactly once. */
  portico_status (*db_acquire)(portico_host_ctx* ctx, uint32_t timeout_ms, portico_db** db,
                               portico_error* err);
  /* Returns the session to the pool; an open transaction is rolled back. db is invalid after. */
  void (*db_release)(portico_db* db);
  /* Runs one parameterised statement ($1, $2, ...; never interpolate values into sql).
   * *rows_affected (may be NULL) receives the affected row count. PORTICO_ERR_QUERY carries
   * PostgreSQL's own message; PORTICO_ERR_UNAVAILABLE means the connection was lost. */
  portico_status (*db_execute)(portico_db* db, portico_str sql, const portico_value* params,
                               size_t n_params, uint64_t* rows_affected, portico_error* err);
  /* Like db_execute, and hands back the rows (free them with db_rows_free). */
  portico_status (*db_query)(portico_db* db, portico_str sql, const portico_value* params,
                             size_t n_params, portico_db_rows** rows, portico_error* err);
  size_t (*db_rows_count)(const portico_db_rows* rows);
  size_t (*db_rows_columns)(const portico_db_rows* rows);
  /* Column name; valid until db_rows_free. Empty for an index out of range. */
  portico_str (*db_rows_column_name)(const portico_db_rows* rows, size_t column);
  /* One cell, typed by its column (PORTICO_TYPE_NULL for SQL NULL). PORTICO_ERR_NOT_FOUND for an
   * index out of range. Views in *value are valid until db_rows_free. */
  portico_status (*db_rows_get)(const portico_db_rows* rows, size_t row, size_t column,
                                portico_value* value);
  void (*db_rows_free)(portico_db_rows* rows);
  /* Transactions on the leased session. */
  portico_status (*db_begin)(portico_db* db, portico_error* err);
  portico_status (*db_commit)(portico_db* db, portico_error* err);
  portico_status (*db_rollback)(portico_db* db, portico_error* err);

  /* ---- 1.1: Redis. ---- */

  /* Leases a connection; same rules and statuses as db_acquire. */
  portico_status (*redis_acquire)(portico_host_ctx* ctx, uint32_t timeout_ms, portico_redis** redis,
                                  portico_error* err);
  void (*redis_release)(portico_redis* redis);
  /* Sends one command, argv[0] being its name, every argument as a binary-safe string. An error
   * reply from Redis is PORTICO_OK with a PORTICO_REDIS_ERROR reply; PORTICO_ERR_UNAVAILABLE
   * means the connection failed. Free *reply with redis_reply_free. */
  portico_status (*redis_command)(portico_redis* redis, const portico_str* argv, size_t argc,
                                  portico_redis_reply** reply, portico_error* err);
  portico_redis_type (*redis_reply_type)(const portico_redis_reply* reply);
  int64_t (*redis_reply_integer)(const portico_redis_reply* reply);
  /* STATUS, ERROR and STRING text; valid until the top-level reply is freed. */
  portico_str (*redis_reply_string)(const portico_redis_reply* reply);
  /* ARRAY length and elements (owned by the top-level reply; never free them). */
  size_t (*redis_reply_length)(const portico_redis_reply* reply);
  const portico_redis_reply* (*redis_reply_element)(const portico_redis_reply* reply, size_t i);
  void (*redis_reply_free)(portico_redis_reply* reply);

  /* ---- 1.1: events. Redis pub/sub underneath: at-most-once, fanned out to every host; an event
   * published while a host is disconnected from Redis is lost for it. ---- */

  /* Publishes payload (JSON text, at most 1 MiB) on topic ([A-Za-z0-9._:-]{1,128}).
   * PORTICO_ERR_UNAVAILABLE without Redis. */
  portico_status (*event_publish)(portico_host_ctx* ctx, portico_str topic, portico_str payload,
                                  portico_error* err);
  /* During init only: delivers events whose topic matches pattern ('*' any run of characters,
   * '?' one) to handler, on the current generation of this plugin. */
  portico_status (*event_subscribe)(portico_host_ctx* ctx, portico_str pattern,
                                    portico_event_fn handler, void* user_data, portico_error* err);

  /* ---- 1.1: jobs. Redis Streams with one consumer group per queue: at-least-once, retries with
   * exponential backoff, dead letters, jobs of a dead host claimed again. ---- */

  /* Enqueues payload (JSON text, at most 1 MiB) on queue ([A-Za-z0-9._-]{1,64}). options may be
   * NULL. id_out (may be NULL) receives the job id, NUL-terminated, in at most PORTICO_JOB_ID_MAX
   * bytes. Any plugin may enqueue on any queue. */
  portico_status (*job_enqueue)(portico_host_ctx* ctx, portico_str queue, portico_str payload,
                                const portico_job_options* options, char* id_out,
                                portico_error* err);
  /* During init only: runs jobs of queue with handler. One plugin per queue (a second is refused
   * at load, like a conflicting route). Jobs run on the current generation; a draining generation
   * finishes the jobs it started. */
  portico_status (*job_handle)(portico_host_ctx* ctx, portico_str queue, portico_job_fn handler,
                               void* user_data, portico_error* err);
  /* State and attempts so far of a job. PORTICO_OK with PORTICO_JOB_UNKNOWN for an unknown id. */
  portico_status (*job_status)(portico_host_ctx* ctx, portico_str id, portico_job_state* state,
                               uint32_t* attempts, portico_error* err);

  /* ---- 1.2: authentication. Check PORTICO_HAS_MEMBER(host, portico_host_api, token_issue).
   * The host holds the signing keys (config auth.*): plugins ask it to sign and never see a
   * private key. Tokens are JWTs (RFC 7519) with a `kid` header. ---- */

  /* The verified principal of this request. PORTICO_ERR_NOT_FOUND when the request carries none
   * (a PUBLIC route, or an OPTIONAL one called without a token). */
  portico_status (*request_principal)(const portico_request* req, portico_principal* principal);
  /* The client's IP address as text: the peer's, or the left-most X-Forwarded-For entry added
   * by a proxy listed in http.trusted_proxies. Valid until the handler returns. */
  portico_str (*request_client_ip)(const portico_request* req);
  /* Signs an access token. claims is a JSON object that must hold `sub` (a string) and may hold
   * `scope` (space-separated) and claims of the plugin's own; the host sets iss, aud, iat, nbf,
   * exp (now + ttl_seconds; 0 = auth.access_ttl_s, at most auth.max_ttl_s) and jti, overriding
   * any given. The token is written to out (caller-owned, cap bytes, NUL-terminated);
   * *len (may be NULL) receives its length. token_id_out (may be NULL) receives the jti,
   * NUL-terminated, in at most PORTICO_TOKEN_ID_MAX bytes, and *expires_at (may be NULL) the exp:
   * what token_revoke needs later. PORTICO_ERR_TOO_LARGE when cap is too small (then *len holds
   * the length needed), PORTICO_ERR_UNAVAILABLE when no signing key is configured. */
  portico_status (*token_issue)(portico_host_ctx* ctx, portico_str claims, uint32_t ttl_seconds,
                                char* out, size_t cap, size_t* len, char* token_id_out,
                                int64_t* expires_at, portico_error* err);
  /* Refuses the token with this jti from now until expires_at (seconds since the epoch), on every
   * host: at once on this one, within auth.revocation_check_ms on the others.
   * PORTICO_ERR_UNAVAILABLE without Redis. */
  portico_status (*token_revoke)(portico_host_ctx* ctx, portico_str token_id, int64_t expires_at,
                                 portico_error* err);
  /* Refuses every token of subject issued before now (sign out everywhere, account deleted), with
   * the same reach as token_revoke. */
  portico_status (*subject_revoke)(portico_host_ctx* ctx, portico_str subject, portico_error* err);
  /* The public keys that verify tokens, as a JWK Set (RFC 7517) JSON document; HMAC secrets are
   * never included. *jwks is valid until destroy returns. */
  portico_status (*token_jwks)(portico_host_ctx* ctx, portico_str* jwks);

  /* ---- 1.3. Check PORTICO_HAS_MEMBER(host, portico_host_api, log_enabled). ---- */

  /* True when a line of `level` logged through ctx would be written (the host's log.level).
   * Lets a plugin skip building a message nobody reads. Cheap; any thread. */
  bool (*log_enabled)(portico_host_ctx* ctx, portico_log_level level);
  /* This request's own context (see portico_host_ctx). Valid until the handler returns. */
  portico_host_ctx* (*request_ctx)(const portico_request* req);
  /* event_subscribe and job_handle whose handlers also receive their call's context. The same
   * rules otherwise (during init only; one plugin per queue). */
  portico_status (*event_subscribe_ctx)(portico_host_ctx* ctx, portico_str pattern,
                                        portico_event_ctx_fn handler, void* user_data,
                                        portico_error* err);
  portico_status (*job_handle_ctx)(portico_host_ctx* ctx, portico_str queue,
                                   portico_job_ctx_fn handler, void* user_data, portico_error* err);

  /* ---- 1.4: outbound HTTP. Check PORTICO_HAS_MEMBER(host, portico_host_api, http_fetch). ---- */

  /* Sends request through the host's HTTP client (connections reused across calls and plugins,
   * HTTP/2 where offered, TLS always verified) and waits for the answer. Any thread; through a
   * call's context (request_ctx, a job's or event's ctx) the call's deadline and request id
   * apply, through the generation's only the timeouts. The destination must be in the plugin's
   * allow-list, plugin.<name>.outbound.allow; redirects are followed within it.
   * PORTICO_OK when the peer answered, whatever its status: *response then holds the answer,
   * freed with http_response_free. Otherwise *response is NULL and the status says why:
   * PORTICO_ERR_DENIED (not in the allow-list, plain http:// to a host not named with it, a
   * link-local or metadata address), PORTICO_ERR_UNAVAILABLE (could not connect, TLS refused,
   * the destination's circuit breaker is open), PORTICO_ERR_TIMEOUT, PORTICO_ERR_TOO_LARGE (the
   * answer exceeds outbound.max_response_bytes), PORTICO_ERR_INVALID_ARGUMENT (a bad URL, method
   * or header), or what on_body or body_reader returned. */
  portico_status (*http_fetch)(portico_host_ctx* ctx, const portico_http_request* request,
                               portico_http_response** response, portico_error* err);
  /* The answer's status code. */
  uint32_t (*http_response_status)(const portico_http_response* response);
  /* Its headers in the order received, names as the peer sent them; index < count. The views
   * are valid until http_response_free. */
  size_t (*http_response_header_count)(const portico_http_response* response);
  portico_status (*http_response_header_at)(const portico_http_response* response, size_t index,
                                            portico_http_header* header);
  /* First header by case-insensitive name; PORTICO_ERR_NOT_FOUND if absent. */
  portico_status (*http_response_header)(const portico_http_response* response, portico_str name,
                                         portico_str* value);
  /* The body (decoded from gzip or br if the peer compressed it); empty when it went to
   * on_body. Valid until http_response_free. */
  portico_str (*http_response_body)(const portico_http_response* response);
  void (*http_response_free)(portico_http_response* response);

  /* ---- 1.5: streams. Check PORTICO_HAS_MEMBER(host, portico_host_api, response_stream). ---- */

  /* Turns this response into a stream: when the handler returns PORTICO_OK, the status and
   * headers set so far are sent with Transfer-Encoding: chunked (give Content-Type yourself:
   * text/event-stream for server-sent events, which the host then keeps alive with a comment
   * line after http.sse_heartbeat_ms of silence), then whatever stream_write sends, until the
   * stream ends. Bytes written with response_write before are dropped. Handler's thread, during
   * the handler; once per response. A handler that then fails, or ends with a status outside
   * 2xx, gets on_close (1011) and its response goes out as an ordinary one.
   * *stream is valid until stream_release. */
  portico_status (*response_stream)(portico_response* res, const portico_stream_handlers* handlers,
                                    portico_stream** stream, portico_error* err);
  /* Accepts this request's WebSocket upgrade: when the handler returns PORTICO_OK the host
   * answers 101 (RFC 6455) and runs the connection: ping/pong, fragmentation, UTF-8 checks of
   * text messages, http.websocket.max_message_bytes, close codes. PORTICO_ERR_WRONG_STATE when
   * the request is not a WebSocket upgrade: answer it yourself, 426 (the host adds the
   * Upgrade: websocket field that status requires). Otherwise as response_stream. */
  portico_status (*response_websocket)(portico_response* res,
                                       const portico_stream_handlers* handlers,
                                       portico_stream** stream, portico_error* err);
  /* Queues data: a chunk of a chunked stream (empty data is ignored), one whole message of a
   * WebSocket (text unless binary; text must be UTF-8). Never waits. Any thread; data is
   * copied. PORTICO_ERR_WOULD_BLOCK when http.stream_buffer_bytes are already waiting: nothing
   * was queued; try again after on_writable (or drop, for data that ages). PORTICO_ERR_CLOSED
   * once the stream has ended or stream_close was called. Order is kept per stream. */
  portico_status (*stream_write)(portico_stream* stream, portico_str data, bool binary);
  /* Ends the stream after what was written before has been sent: a WebSocket closes with code
   * (1000 normal; 3000-4999 your own) and reason (at most 123 bytes sent), a chunked body ends.
   * on_close follows with the same code. Any thread; a second call does nothing. */
  portico_status (*stream_close)(portico_stream* stream, uint32_t code, portico_str reason);
  /* Gives the handle back; see portico_stream. */
  void (*stream_release)(portico_stream* stream);
  /* Sends data to every stream subscribed to channel, on every porticod sharing this Redis
   * (server-sent events get it as one `data:` event, WebSockets as one text message), in the
   * order published per channel. At most once: a stream that is not subscribed at that moment
   * misses it. (The host's own push streams, GET /push/me, also get what they missed while
   * reconnecting: each message is kept for a while in the channel's log.)
   * Channel names are [A-Za-z0-9:._-]{1,128}. Any thread; PORTICO_ERR_UNAVAILABLE without
   * Redis. */
  portico_status (*channel_publish)(portico_host_ctx* ctx, portico_str channel, portico_str data,
                                    portico_error* err);
  /* Subscribes an open stream to channel until it ends. Returns once the subscription is made
   * (the host's Redis subscription confirmed, a round trip when this host had no stream of the
   * channel yet): every message published after that reaches the stream. PORTICO_ERR_UNAVAILABLE
   * when Redis did not confirm it within 2 s; PORTICO_ERR_CLOSED when the stream has ended.
   * Any thread. A stream opened by a signed-in caller ends when the caller's session is revoked
   * (SSE: a last `event: revoked`; WebSocket: close code 1008). */
  portico_status (*stream_subscribe)(portico_stream* stream, portico_str channel,
                                     portico_error* err);
  /* For a route with PORTICO_ROUTE_STREAM_BODY: reads the next part of the request body into
   * buf (cap bytes) and sets *len; *len == 0 means the body has ended. The first call answers an
   * `Expect: 100-continue` (a handler that never reads refuses the body unread). Waits for the
   * client (the host lends the connection's event loop another thread meanwhile). Handler's
   * thread, during the handler. On failure the host answers the request itself, whatever the
   * handler then composes, and closes the connection: PORTICO_ERR_TOO_LARGE past the route's
   * max_body_bytes (413, known before reading when the client declared a length),
   * PORTICO_ERR_TIMEOUT when the body stalls (408: http.timeout_ms without a byte, or below
   * http.body_min_rate), PORTICO_ERR_INVALID_ARGUMENT for a malformed chunked body (400).
   * PORTICO_ERR_WRONG_STATE on a route without the flag. */
  portico_status (*request_body_read)(const portico_request* req, char* buf, size_t cap,
                                      size_t* len, portico_error* err);
  /* The W3C traceparent of the call ctx belongs to: a request's (its client's when valid, else
   * one the host made; also what request_header returns for "traceparent"), or an event's or a
   * job's, which continues the trace of the call that published or enqueued it. Empty through a
   * generation's own context. Valid while the call runs. Any thread. */
  portico_str (*call_traceparent)(portico_host_ctx* ctx);

  /* ---- 1.6: a plugin's own signals. Check PORTICO_HAS_MEMBER before use. ---- */

  /* Adds delta to the counter portico_plugin_events_total{plugin="<name>",event="<event>"} on
   * /metrics (cache hits, fallbacks taken: what an operator of this plugin watches). event is
   * [a-z0-9_.:-]{1,64}; a plugin has at most 64 distinct events (PORTICO_ERR_TOO_LARGE after,
   * so that a bug cannot flood /metrics). Counters belong to the plugin's name, not to one
   * generation: they keep counting across hot swaps. Any thread, any context. */
  portico_status (*metric_count)(portico_host_ctx* ctx, portico_str event, uint64_t delta);
  /* Says what state one of the plugin's components is in (a provider "ok" or "unconfigured",
   * an upstream "cooling_down"): /ready lists it under plugins.components as
   * {plugin, component, state}, without changing whether the host is ready (the plugin still
   * answers what it can). component and state are [a-z0-9_.:-]{1,64}; a later call for the same
   * component replaces its state. The states belong to the generation and leave with it.
   * Any thread, any context; at most 64 components (PORTICO_ERR_TOO_LARGE after). */
  portico_status (*component_state)(portico_host_ctx* ctx, portico_str component,
                                    portico_str state);

  /* ---- 1.7: TLS. Check PORTICO_HAS_MEMBER(host, portico_host_api, request_scheme). ---- */

  /* "https" when the request reached porticod over TLS (http.tls.*), or came from a proxy listed
   * in http.trusted_proxies whose X-Forwarded-Proto says https; "http" otherwise. What a plugin
   * checks before it sets a Secure cookie or builds an absolute URL. The view is static: valid
   * for the life of the process. Any thread. */
  portico_str (*request_scheme)(const portico_request* req);
} portico_host_api;

/* ------------------------------------------------------------------------------------------ */
/* The plugin's tables                                                                         */
/* ------------------------------------------------------------------------------------------ */

/* Lifecycle hooks. Plugin-owned (normally static const), valid until dlclose.
 * Order: negotiate -> init -> ready -> [handlers run] -> drain -> destroy -> dlclose.
 * If init or ready fail, destroy is still called when init had succeeded. */
typedef struct portico_plugin_hooks {
  size_t struct_size; /* sizeof(portico_plugin_hooks) as the plugin compiled it */

  /* Creates the plugin instance: read config, register routes. *instance receives the
   * plugin-owned state passed back to the other hooks (may stay NULL). ctx and host stay valid
   * until destroy returns. Runs while the previous generation (if any) still serves. */
  portico_status (*init)(const portico_host_api* host, portico_host_ctx* ctx, void** instance,
                         portico_error* err);

  /* Called once after init, just before the routes are published. Failing aborts the load; the
   * previous generation keeps serving. May be NULL. */
  portico_status (*ready)(void* instance, portico_error* err);

  /* The generation has been replaced or unloaded: its routes are unpublished, but requests that
   * started before may still be running on other threads. Stop taking background work and join
   * the plugin's own threads, except those such requests may still need (join those in
   * destroy). May be NULL. */
  portico_status (*drain)(void* instance, portico_error* err);

  /* Frees the instance. Called once no request of this generation is running any more. After it
   * returns the library is closed. May be NULL. */
  void (*destroy)(void* instance);
} portico_plugin_hooks;

/* 1.3: one schema migration a plugin carries. An element of an array, so its layout is frozen
 * for ABI major 1 (no struct_size). Plugin-owned, normally static const (the CMake helper
 * portico_add_plugin(... MIGRATIONS dir) generates the array from dir/NNNN_name.up.sql and
 * .down.sql files); valid until dlclose. */
typedef struct portico_migration {
  uint32_t version; /* >= 1; strictly increasing along the array */
  portico_str name; /* [a-z0-9_]{1,64} */
  portico_str up;   /* SQL that applies it; run in one transaction */
  portico_str down; /* SQL that reverts it; empty when it cannot be reverted */
} portico_migration;

/* What a plugin says about itself. Plugin-owned (normally static const), valid until dlclose. */
typedef struct portico_plugin_info {
  size_t struct_size;  /* sizeof(portico_plugin_info) as the plugin compiled it */
  uint32_t abi_major;  /* PORTICO_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;  /* PORTICO_ABI_MINOR the plugin was built against */
  portico_str name;    /* unique per host: [a-z0-9_-]{1,64} */
  portico_str version; /* semantic version, e.g. "1.4.2" */
  const portico_plugin_hooks* hooks;
  /* 1.3: the plugin's schema. Before init of every generation (first load, hot swap, restart)
   * the host applies those not yet recorded in portico_migrations for this plugin name, in
   * order, each in its own transaction, under an advisory lock shared by every host. An applied
   * migration whose up text has changed, or a gap among the versions carried, refuses the load;
   * applied versions above the newest carried are allowed, so that an older version of a plugin
   * can be swapped back in over the newer schema it must tolerate. A failed migration refuses the
   * load and the serving generation keeps serving. A plugin that carries none (count 0, or built
   * before 1.3) gets those of the host's migrations.dir/<name>, if any. */
  const portico_migration* migrations; /* NULL when migration_count is 0 */
  size_t migration_count;
} portico_plugin_info;

/* The single exported entry point, named PORTICO_ENTRY_SYMBOL:
 *
 *   PORTICO_EXPORT portico_status portico_plugin_negotiate(const portico_host_api* host,
 *                                                          const portico_plugin_info** info,
 *                                                          portico_error* err);
 *
 * The host passes its table (its ABI version inside); the plugin points *info at its own static
 * description. The plugin may refuse (e.g. it needs a newer host minor) by returning
 * PORTICO_ERR_INCOMPATIBLE with a message. Must have no side effects: the host may call it and
 * then close the library without calling anything else. Called on one host thread. */
typedef portico_status (*portico_negotiate_fn)(const portico_host_api* host,
                                               const portico_plugin_info** info,
                                               portico_error* err);

/* Smallest table sizes a 1.x host accepts: every member defined in 1.0. */
#define PORTICO_PLUGIN_INFO_MIN_SIZE \
  (offsetof(portico_plugin_info, hooks) + sizeof(const portico_plugin_hooks*))
#define PORTICO_PLUGIN_HOOKS_MIN_SIZE \
  (offsetof(portico_plugin_hooks, destroy) + sizeof(void (*)(void*)))
#define PORTICO_ROUTE_MIN_SIZE (offsetof(portico_route, flags) + sizeof(uint32_t))

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PORTICO_PLUGIN_H */
