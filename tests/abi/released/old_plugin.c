/* SPDX-License-Identifier: Apache-2.0 */
/* A plugin as it was written against a released ABI minor: built from that minor's header (kept
 * in tests/abi/released/1.<minor>/) with 1.0's calls only, in two versions (OLD_VERSION) for a hot
 * swap. e2e.AbiReleased.* loads it into today's porticod. It checks what the host hands it and
 * answers, for GET /<OLD_NAME>/echo/{word}?q=1 with X-Abi-Check: yes, a JSON object whose
 * "problems" name each struct member that did not behave as that minor promised: a host change
 * that breaks old plugins then fails the test with the member's name, not only with a crash. */
#include <portico/plugin.h>
#include <stdio.h>
#include <string.h>

#define PROBLEMS_MAX 1024

typedef struct {
  const portico_host_api* host;
  portico_host_ctx* ctx;
  char greeting[64];
} old_plugin;

static int equals(portico_str s, const char* text) {
  return s.len == strlen(text) && (s.len == 0 || memcmp(s.ptr, text, s.len) == 0);
}

static void problem(char* problems, const char* member) {
  size_t used = strlen(problems);
  snprintf(problems + used, PROBLEMS_MAX - used, "%s\"%s\"", used ? "," : "", member);
}

static portico_status echo(void* route_data, const portico_request* req, portico_response* res,
                           portico_error* err) {
  const old_plugin* self = (const old_plugin*)route_data;
  const portico_host_api* host = self->host;
  char problems[PROBLEMS_MAX] = "";
  portico_str word = {NULL, 0};
  portico_str value = {NULL, 0};
  char path[128];
  char body[2048];
  size_t i;
  int n;
  (void)err;

  if (!equals(host->request_method(req), "GET"))
    problem(problems, "portico_host_api.request_method");
  if (host->request_param(req, (portico_str)PORTICO_STR_LIT("word"), &word) != PORTICO_OK ||
      word.len == 0 || word.len > 32) {
    problem(problems, "portico_host_api.request_param");
    word.len = 0;
  }
  for (i = 0; i < word.len; ++i) {
    if ((word.ptr[i] < 'a' || word.ptr[i] > 'z') && (word.ptr[i] < '0' || word.ptr[i] > '9')) {
      host->response_set_status(res, 400);
      host->response_write(res, (portico_str)PORTICO_STR_LIT("{\"message\":\"word: [a-z0-9]\"}"));
      return PORTICO_OK;
    }
  }
  snprintf(path, sizeof path, "/%s/echo/%.*s", OLD_NAME, (int)word.len, word.ptr);
  if (!equals(host->request_path(req), path)) problem(problems, "portico_host_api.request_path");
  if (!equals(host->request_query(req), "q=1")) problem(problems, "portico_host_api.request_query");
  if (host->request_query_param(req, (portico_str)PORTICO_STR_LIT("q"), &value) != PORTICO_OK ||
      !equals(value, "1")) {
    problem(problems, "portico_host_api.request_query_param");
  }
  if (host->request_header(req, (portico_str)PORTICO_STR_LIT("x-abi-check"), &value) !=
          PORTICO_OK ||
      !equals(value, "yes")) {
    problem(problems, "portico_host_api.request_header");
  }
  if (host->request_id(req).len == 0) problem(problems, "portico_host_api.request_id");
  if (host->request_body(req).len != 0) problem(problems, "portico_host_api.request_body");
  if (strcmp(self->greeting, "hallo") != 0) problem(problems, "portico_host_api.config_get");

  n = snprintf(body, sizeof body,
               "{\"plugin\":\"%s\",\"version\":\"%s\",\"built_against\":\"1.%u\","
               "\"host_version\":\"%.*s\",\"word\":\"%.*s\",\"problems\":[%s]}",
               OLD_NAME, OLD_VERSION, PORTICO_ABI_MINOR, (int)host->host_version.len,
               host->host_version.ptr, (int)word.len, word.ptr, problems);
  if (host->response_set_status(res, 200) != PORTICO_OK ||
      host->response_add_header(res, (portico_str)PORTICO_STR_LIT("X-Abi-Built-Against"),
                                (portico_str)PORTICO_STR_LIT(OLD_NAME)) != PORTICO_OK) {
    return PORTICO_ERR_INTERNAL;
  }
  return host->response_write(res, (portico_str){body, (size_t)n});
}

static portico_status init(const portico_host_api* host, portico_host_ctx* ctx, void** instance,
                           portico_error* err) {
  static old_plugin self;
  portico_str greeting = {NULL, 0};
  portico_route route;
  /* The host's table must hold at least what this minor's header declares. */
  if (host->struct_size < sizeof(portico_host_api)) {
    portico_error_set(err, "portico_host_api.struct_size is smaller than the released header's");
    return PORTICO_ERR_INCOMPATIBLE;
  }
  if (host->host_version.len == 0) {
    portico_error_set(err, "portico_host_api.host_version is empty");
    return PORTICO_ERR_INCOMPATIBLE;
  }
  self.host = host;
  self.ctx = ctx;
  if (host->config_get(ctx, (portico_str)PORTICO_STR_LIT("greeting"), &greeting) == PORTICO_OK &&
      greeting.len < sizeof self.greeting) {
    memcpy(self.greeting, greeting.ptr, greeting.len);
    self.greeting[greeting.len] = '\0';
  }
  host->log(ctx, PORTICO_LOG_INFO, (portico_str)PORTICO_STR_LIT(OLD_NAME " " OLD_VERSION " ready"));

  memset(&route, 0, sizeof route);
  route.struct_size = sizeof route;
  route.method = (portico_str)PORTICO_STR_LIT("GET");
  route.path = (portico_str)PORTICO_STR_LIT("/" OLD_NAME "/echo/{word}");
  route.handler = echo;
  route.route_data = &self;
  *instance = &self;
  return host->route_add(ctx, &route, err);
}

static const portico_plugin_hooks hooks = {sizeof(portico_plugin_hooks), init, NULL, NULL, NULL};
static const portico_plugin_info info = {sizeof(portico_plugin_info),
                                         PORTICO_ABI_MAJOR,
                                         PORTICO_ABI_MINOR,
                                         PORTICO_STR_LIT(OLD_NAME),
                                         PORTICO_STR_LIT(OLD_VERSION),
                                         &hooks};

PORTICO_EXPORT portico_status portico_plugin_negotiate(const portico_host_api* host,
                                                       const portico_plugin_info** out,
                                                       portico_error* err) {
  if (host->abi_major != PORTICO_ABI_MAJOR) {
    portico_error_set(err, OLD_NAME " needs plugin ABI major 1");
    return PORTICO_ERR_INCOMPATIBLE;
  }
  *out = &info;
  return PORTICO_OK;
}
