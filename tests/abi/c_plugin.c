/* A Portico plugin in plain C11, using nothing but plugin.h: GET /c/{name} answers
 * {"c": true, "name": "<name>"} for short alphanumeric names and 400 otherwise. */
#include <stdio.h>
#include <string.h>

#include "portico/plugin.h"

static const portico_host_api* host_api;

static bool is_simple(portico_str s) {
  size_t i;
  if (s.len == 0 || s.len > 32) return false;
  for (i = 0; i < s.len; ++i) {
    char c = s.ptr[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

static portico_status handle(void* data, const portico_request* req, portico_response* res,
                             portico_error* err) {
  char body[96];
  portico_str name = {NULL, 0};
  portico_str out;
  int n;
  (void)data;
  if (host_api->request_param(req, (portico_str)PORTICO_STR_LIT("name"), &name) != PORTICO_OK) {
    portico_error_set(err, "route has no {name}");
    return PORTICO_ERR_INTERNAL;
  }
  if (!is_simple(name)) {
    static const char bad[] =
        "{\"status\":400,\"message\":\"name must be 1-32 letters or digits\"}";
    host_api->response_set_status(res, 400);
    out.ptr = bad;
    out.len = sizeof bad - 1;
    return host_api->response_write(res, out);
  }
  n = snprintf(body, sizeof body, "{\"c\":true,\"name\":\"%.*s\"}", (int)name.len, name.ptr);
  out.ptr = body;
  out.len = (size_t)n;
  return host_api->response_write(res, out);
}

static portico_status init(const portico_host_api* host, portico_host_ctx* ctx, void** instance,
                           portico_error* err) {
  portico_route route;
  memset(&route, 0, sizeof route);
  route.struct_size = sizeof route;
  route.method = (portico_str)PORTICO_STR_LIT("GET");
  route.path = (portico_str)PORTICO_STR_LIT("/c/{name}");
  route.handler = handle;
  *instance = NULL;
  return host->route_add(ctx, &route, err);
}

static const portico_plugin_hooks hooks = {sizeof(portico_plugin_hooks), init, NULL, NULL, NULL};
static const portico_plugin_info info = {sizeof(portico_plugin_info),
                                         PORTICO_ABI_MAJOR,
                                         PORTICO_ABI_MINOR,
                                         PORTICO_STR_LIT("cplugin"),
                                         PORTICO_STR_LIT("1.0.0"),
                                         &hooks,
                                         NULL,
                                         0};

PORTICO_EXPORT portico_status portico_plugin_negotiate(const portico_host_api* host,
                                                       const portico_plugin_info** out,
                                                       portico_error* err) {
  if (host->abi_major != PORTICO_ABI_MAJOR) {
    portico_error_set(err, "cplugin needs ABI major 1");
    return PORTICO_ERR_INCOMPATIBLE;
  }
  host_api = host;
  *out = &info;
  return PORTICO_OK;
}
