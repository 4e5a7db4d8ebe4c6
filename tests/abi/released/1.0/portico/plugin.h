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
#define PORTICO_ABI_MINOR 0u

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
