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
 *
 * ---------------------------------------------------------------------------------------------
 * COMPATIBILITY POLICY
 *
 *   - PORTICO_ABI_MAJOR changes only when an existing type, member, function or meaning changes.
 *     A host loads only plugins built against its own major.
 *   - PORTICO_ABI_MINOR grows when something is appended. A host loads every plugin whose minor is
 *     less than or equal to its own; a plugin built against a newer minor than the host is refused
 *     (it might call members the host does not have).
 *   - Every table starts with `struct_size` and only ever grows at its end. Whoever reads a table
 * it did not fill checks `struct_size` before touching a member added after 1.0 (PORTICO_HAS_MEMBER
 * below does exactly that).
 *   - Enum values are never reused or renumbered; new ones are appended. Unknown status values
 *     must be treated as failures.
 *   - Nothing is ever removed within a major version.
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
 *              runs its code: join its threads in drain, register no atexit handlers, use no
 *              thread_local objects with destructors. Build with -fno-gnu-unique (the CMake helper
 *              portico_add_plugin() sets this) so the library can really be unmapped.
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
#define PORTICO_ABI_MINOR 1u

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

/* One loaded generation of a plugin, as seen by that plugin. Handed to init; valid until destroy
 * returns. May be used from any thread. */
typedef struct portico_host_ctx portico_host_ctx;

/* One HTTP request. Valid only during the handler call it is passed to; never keep it. Read-only;
 * may be read from the handler's thread only. */
typedef struct portico_request portico_request;

/* The response to that request. Valid only during the handler call; handler's thread only. */
typedef struct portico_response portico_response;

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

/* Route flags. 1.0 defines none; pass 0. Reserved so that later minors can let a route opt into
 * streamed bodies, server-sent events or WebSocket without changing this struct. A host refuses
 * flags it does not know. */
#define PORTICO_ROUTE_FLAGS_NONE 0u

/* Describes one route. Plugin-owned; the host copies what it needs during route_add. */
typedef struct portico_route {
  size_t struct_size;         /* sizeof(portico_route) as the plugin compiled it */
  portico_str method;         /* "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" */
  portico_str path;           /* template: "/users/{id}/avatar"; a {param} matches one segment */
  portico_handler_fn handler; /* required */
  void* route_data;           /* passed back to handler untouched; plugin keeps it alive */
  uint64_t max_body_bytes;    /* larger bodies get 413 before the handler runs; 0 = host default */
  uint32_t flags;             /* PORTICO_ROUTE_FLAGS_NONE in 1.0 */
} portico_route;

/* ------------------------------------------------------------------------------------------ */
/* Data (1.1)                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* A PostgreSQL session leased from the host's pool (db_acquire .. db_release). Host-owned. Use it
 * from one thread at a time. A lease still open when the request that took it ends, or when its
 * generation is unloaded, is reclaimed by the host (rolled back, returned to the pool, logged). */
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

/* Options of job_enqueue. Caller-owned; zero members take the host's defaults. */
typedef struct portico_job_options {
  size_t struct_size;    /* sizeof(portico_job_options) as the caller compiled it */
  uint32_t delay_ms;     /* run no earlier than this from now */
  uint32_t max_attempts; /* default jobs.max_attempts */
  uint32_t backoff_ms;   /* first retry delay, doubled per attempt; default jobs.backoff_ms */
} portico_job_options;

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

  /* Writes one line to this plugin's logger, tagged with the current request id if any. */
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
   * Default status is 200 and default Content-Type is application/json. */
  portico_status (*response_set_status)(portico_response* res, uint32_t http_status);
  /* Adds a header; a second call with the same name adds a second line. Refused with
   * PORTICO_ERR_INVALID_ARGUMENT: names that are not HTTP tokens, values with CR, LF or NUL, and
   * the headers that frame the message (Content-Length, Transfer-Encoding, Connection, ...),
   * which belong to the host. */
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
   * the plugin's own threads. May be NULL. */
  portico_status (*drain)(void* instance, portico_error* err);

  /* Frees the instance. Called once no request of this generation is running any more. After it
   * returns the library is closed. May be NULL. */
  void (*destroy)(void* instance);
} portico_plugin_hooks;

/* What a plugin says about itself. Plugin-owned (normally static const), valid until dlclose. */
typedef struct portico_plugin_info {
  size_t struct_size;  /* sizeof(portico_plugin_info) as the plugin compiled it */
  uint32_t abi_major;  /* PORTICO_ABI_MAJOR the plugin was built against */
  uint32_t abi_minor;  /* PORTICO_ABI_MINOR the plugin was built against */
  portico_str name;    /* unique per host: [a-z0-9_-]{1,64} */
  portico_str version; /* semantic version, e.g. "1.4.2" */
  const portico_plugin_hooks* hooks;
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
