/* SPDX-License-Identifier: MIT */
/* my_c_plugin: a Portico plugin in plain C11, using nothing but <portico/plugin.h>.
 *
 *   GET /my_c_plugin/greet/{name}  ->  200 {"greeting":"hello, ada"}
 *                                      400 {"status":400,"message":"...","request_id":"..."}
 *                                      for a name that is not 1 to 32 letters or digits
 *   GET /my_c_plugin/countdown     ->  a server-sent events stream: 3, 2, 1, then it ends
 *
 * The word comes from plugin.my_c_plugin.greeting in porticod.properties (default "hello").
 * Build it with any C11 compiler (README.md beside this file):
 *
 *   cc -std=c11 -fPIC -shared -Wl,-z,defs $(pkg-config --cflags portico-plugin-api) \
 *      -o my_c_plugin.so my_c_plugin.c
 */
#include <portico/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One per generation: init allocates it, destroy frees it. Handlers run on many threads at once
 * and only read it, so it needs no lock. */
typedef struct my_instance {
  const portico_host_api* host;
  char greeting[33];
} my_instance;

static bool is_simple_name(portico_str s) {
  size_t i;
  if (s.len == 0 || s.len > 32) return false;
  for (i = 0; i < s.len; ++i) {
    char c = s.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

/* A client's mistake: set a 4xx status and return PORTICO_OK. A status other than PORTICO_OK
 * means the plugin failed, and the client gets a 500 instead. The body has the shape of every
 * Portico error: status, message and the request id (the host's X-Request-Id, letters, digits and
 * "-_." only). `message` is a literal of the plugin's own, with nothing in it to escape for JSON.
 */
static portico_status answer_400(const portico_host_api* host, const portico_request* req,
                                 portico_response* res, const char* message) {
  char text[256];
  portico_str id = host->request_id(req);
  portico_str body;
  int n = snprintf(text, sizeof text, "{\"status\":400,\"message\":\"%s\",\"request_id\":\"%.*s\"}",
                   message, (int)id.len, id.ptr);
  if (n < 0 || (size_t)n >= sizeof text) return PORTICO_ERR_INTERNAL;
  body.ptr = text;
  body.len = (size_t)n;
  host->response_set_status(res, 400);
  return host->response_write(res, body);
}

static portico_status greet(void* route_data, const portico_request* req, portico_response* res,
                            portico_error* err) {
  const my_instance* self = (const my_instance*)route_data;
  portico_str name = {NULL, 0};
  portico_str out;
  char body[128];
  int n;
  if (self->host->request_param(req, (portico_str)PORTICO_STR_LIT("name"), &name) != PORTICO_OK) {
    portico_error_set(err, "route has no {name}");
    return PORTICO_ERR_INTERNAL;
  }
  /* Checked before it goes into JSON: no quote or backslash can get through. */
  if (!is_simple_name(name)) {
    return answer_400(self->host, req, res, "name must be 1 to 32 letters or digits");
  }
  n = snprintf(body, sizeof body, "{\"greeting\":\"%s, %.*s\"}", self->greeting, (int)name.len,
               name.ptr);
  out.ptr = body;
  out.len = (size_t)n;
  return self->host->response_write(res, out);
}

/* Called once when the stream has ended, whoever ended it; nothing of the stream is used after. */
static void countdown_closed(void* user_data, portico_stream* stream, uint32_t code,
                             portico_str reason) {
  (void)user_data;
  (void)stream;
  (void)code;
  (void)reason;
}

/* A stream (ABI 1.5) outlives its handler: any thread may write to it until it ends. This one is
 * written and closed at once, for brevity; the host sends it after the handler returns. */
static portico_status countdown(void* route_data, const portico_request* req, portico_response* res,
                                portico_error* err) {
  const my_instance* self = (const my_instance*)route_data;
  portico_stream_handlers handlers;
  portico_stream* stream = NULL;
  portico_status status;
  int i;
  (void)req;
  memset(&handlers, 0, sizeof handlers);
  handlers.struct_size = sizeof handlers;
  handlers.on_close = countdown_closed;
  self->host->response_add_header(res, (portico_str)PORTICO_STR_LIT("Content-Type"),
                                  (portico_str)PORTICO_STR_LIT("text/event-stream"));
  status = self->host->response_stream(res, &handlers, &stream, err);
  if (status != PORTICO_OK) return status;
  for (i = 3; i >= 1; --i) {
    char line[32];
    portico_str event;
    event.ptr = line;
    event.len = (size_t)snprintf(line, sizeof line, "data: %d\n\n", i);
    self->host->stream_write(stream, event, false);
  }
  self->host->stream_close(stream, 1000, (portico_str)PORTICO_STR_LIT(""));
  self->host->stream_release(stream);
  return PORTICO_OK;
}

static portico_status add_route(const portico_host_api* host, portico_host_ctx* ctx,
                                my_instance* self, const char* path, portico_handler_fn handler,
                                portico_error* err) {
  portico_route route;
  memset(&route, 0, sizeof route);
  route.struct_size = sizeof route;
  route.method = (portico_str)PORTICO_STR_LIT("GET");
  route.path.ptr = path;
  route.path.len = strlen(path);
  route.handler = handler;
  route.route_data = self;
  route.auth = PORTICO_AUTH_PUBLIC;
  return host->route_add(ctx, &route, err);
}

static portico_status init(const portico_host_api* host, portico_host_ctx* ctx, void** instance,
                           portico_error* err) {
  portico_str word = PORTICO_STR_LIT("hello");
  portico_status status;
  my_instance* self = (my_instance*)calloc(1, sizeof *self);
  if (self == NULL) {
    portico_error_set(err, "out of memory");
    return PORTICO_ERR_INTERNAL;
  }
  self->host = host;
  /* The view is the host's, valid until destroy; copied here anyway to bound its size. */
  host->config_get(ctx, (portico_str)PORTICO_STR_LIT("greeting"), &word);
  if (word.len >= sizeof self->greeting) {
    portico_error_set(err, "plugin.my_c_plugin.greeting: at most 32 bytes");
    free(self);
    return PORTICO_ERR_INVALID_ARGUMENT;
  }
  memcpy(self->greeting, word.ptr, word.len);

  status = add_route(host, ctx, self, "/my_c_plugin/greet/{name}", greet, err);
  if (status == PORTICO_OK) {
    status = add_route(host, ctx, self, "/my_c_plugin/countdown", countdown, err);
  }
  if (status != PORTICO_OK) {
    free(self); /* destroy is only called when init succeeded */
    return status;
  }
  *instance = self;
  return PORTICO_OK;
}

/* No request of this generation is running any more: free what init allocated. */
static void destroy(void* instance) {
  free(instance);
}

static const portico_plugin_hooks hooks = {sizeof(portico_plugin_hooks), init, NULL, NULL, destroy};
static const portico_plugin_info info = {sizeof(portico_plugin_info),
                                         PORTICO_ABI_MAJOR,
                                         PORTICO_ABI_MINOR,
                                         PORTICO_STR_LIT("my_c_plugin"),
                                         PORTICO_STR_LIT("0.1.0"),
                                         &hooks,
                                         NULL,
                                         0};

/* The one exported symbol. The host checks the versions in `info` and refuses a plugin built
 * for a newer minor; refusing an older major host is the plugin's own job. */
PORTICO_EXPORT portico_status portico_plugin_negotiate(const portico_host_api* host,
                                                       const portico_plugin_info** out,
                                                       portico_error* err) {
  if (host->abi_major != PORTICO_ABI_MAJOR) {
    portico_error_set(err, "my_c_plugin needs Portico plugin ABI major 1");
    return PORTICO_ERR_INCOMPATIBLE;
  }
  *out = &info;
  return PORTICO_OK;
}
