/* SPDX-License-Identifier: Apache-2.0 */
/* The layout of every struct plugin.h defines, pinned on LP64 (x86-64, AArch64): a plugin built
 * yesterday must find each member where it left it. A change here is an ABI break unless it only
 * grows a table at its end (a new minor), and then the new member's line is added, nothing else
 * edited. Frozen structs (portico_str, portico_error, portico_value, portico_migration) never
 * change within major 1. See the compatibility policy at the top of plugin.h. */
#include <stddef.h>

#include "portico/plugin.h"

#if defined(__LP64__)
_Static_assert(sizeof(portico_str) == 16, "portico_str");
_Static_assert(offsetof(portico_str, ptr) == 0, "portico_str.ptr");
_Static_assert(offsetof(portico_str, len) == 8, "portico_str.len");
_Static_assert(sizeof(portico_error) == 24, "portico_error");
_Static_assert(offsetof(portico_error, buf) == 0, "portico_error.buf");
_Static_assert(offsetof(portico_error, cap) == 8, "portico_error.cap");
_Static_assert(offsetof(portico_error, len) == 16, "portico_error.len");
_Static_assert(sizeof(portico_value) == 48, "portico_value");
_Static_assert(offsetof(portico_value, type) == 0, "portico_value.type");
_Static_assert(offsetof(portico_value, i64) == 8, "portico_value.i64");
_Static_assert(offsetof(portico_value, f64) == 16, "portico_value.f64");
_Static_assert(offsetof(portico_value, b) == 24, "portico_value.b");
_Static_assert(offsetof(portico_value, str) == 32, "portico_value.str");
_Static_assert(sizeof(portico_migration) == 56, "portico_migration");
_Static_assert(offsetof(portico_migration, version) == 0, "portico_migration.version");
_Static_assert(offsetof(portico_migration, name) == 8, "portico_migration.name");
_Static_assert(offsetof(portico_migration, up) == 24, "portico_migration.up");
_Static_assert(offsetof(portico_migration, down) == 40, "portico_migration.down");
_Static_assert(sizeof(portico_route) == 88, "portico_route");
_Static_assert(offsetof(portico_route, struct_size) == 0, "portico_route.struct_size");
_Static_assert(offsetof(portico_route, method) == 8, "portico_route.method");
_Static_assert(offsetof(portico_route, path) == 24, "portico_route.path");
_Static_assert(offsetof(portico_route, handler) == 40, "portico_route.handler");
_Static_assert(offsetof(portico_route, route_data) == 48, "portico_route.route_data");
_Static_assert(offsetof(portico_route, max_body_bytes) == 56, "portico_route.max_body_bytes");
_Static_assert(offsetof(portico_route, flags) == 64, "portico_route.flags");
_Static_assert(offsetof(portico_route, auth) == 68, "portico_route.auth");
_Static_assert(offsetof(portico_route, scopes) == 72, "portico_route.scopes");
_Static_assert(sizeof(portico_principal) == 96, "portico_principal");
_Static_assert(offsetof(portico_principal, struct_size) == 0, "portico_principal.struct_size");
_Static_assert(offsetof(portico_principal, subject) == 8, "portico_principal.subject");
_Static_assert(offsetof(portico_principal, scopes) == 24, "portico_principal.scopes");
_Static_assert(offsetof(portico_principal, claims) == 40, "portico_principal.claims");
_Static_assert(offsetof(portico_principal, token_id) == 56, "portico_principal.token_id");
_Static_assert(offsetof(portico_principal, expires_at) == 72, "portico_principal.expires_at");
_Static_assert(offsetof(portico_principal, service) == 80, "portico_principal.service");
_Static_assert(sizeof(portico_job_options) == 24, "portico_job_options");
_Static_assert(offsetof(portico_job_options, struct_size) == 0, "portico_job_options.struct_size");
_Static_assert(offsetof(portico_job_options, delay_ms) == 8, "portico_job_options.delay_ms");
_Static_assert(offsetof(portico_job_options, max_attempts) == 12,
               "portico_job_options.max_attempts");
_Static_assert(offsetof(portico_job_options, backoff_ms) == 16, "portico_job_options.backoff_ms");
_Static_assert(sizeof(portico_host_api) == 584, "portico_host_api");
_Static_assert(offsetof(portico_host_api, struct_size) == 0, "portico_host_api.struct_size");
_Static_assert(offsetof(portico_host_api, abi_major) == 8, "portico_host_api.abi_major");
_Static_assert(offsetof(portico_host_api, abi_minor) == 12, "portico_host_api.abi_minor");
_Static_assert(offsetof(portico_host_api, host_version) == 16, "portico_host_api.host_version");
_Static_assert(offsetof(portico_host_api, log) == 32, "portico_host_api.log");
_Static_assert(offsetof(portico_host_api, config_get) == 40, "portico_host_api.config_get");
_Static_assert(offsetof(portico_host_api, route_add) == 48, "portico_host_api.route_add");
_Static_assert(offsetof(portico_host_api, request_method) == 56, "portico_host_api.request_method");
_Static_assert(offsetof(portico_host_api, request_path) == 64, "portico_host_api.request_path");
_Static_assert(offsetof(portico_host_api, request_query) == 72, "portico_host_api.request_query");
_Static_assert(offsetof(portico_host_api, request_id) == 80, "portico_host_api.request_id");
_Static_assert(offsetof(portico_host_api, request_body) == 88, "portico_host_api.request_body");
_Static_assert(offsetof(portico_host_api, request_param) == 96, "portico_host_api.request_param");
_Static_assert(offsetof(portico_host_api, request_query_param) == 104,
               "portico_host_api.request_query_param");
_Static_assert(offsetof(portico_host_api, request_header) == 112,
               "portico_host_api.request_header");
_Static_assert(offsetof(portico_host_api, response_set_status) == 120,
               "portico_host_api.response_set_status");
_Static_assert(offsetof(portico_host_api, response_add_header) == 128,
               "portico_host_api.response_add_header");
_Static_assert(offsetof(portico_host_api, response_write) == 136,
               "portico_host_api.response_write");
_Static_assert(offsetof(portico_host_api, db_acquire) == 144, "portico_host_api.db_acquire");
_Static_assert(offsetof(portico_host_api, db_release) == 152, "portico_host_api.db_release");
_Static_assert(offsetof(portico_host_api, db_execute) == 160, "portico_host_api.db_execute");
_Static_assert(offsetof(portico_host_api, db_query) == 168, "portico_host_api.db_query");
_Static_assert(offsetof(portico_host_api, db_rows_count) == 176, "portico_host_api.db_rows_count");
_Static_assert(offsetof(portico_host_api, db_rows_columns) == 184,
               "portico_host_api.db_rows_columns");
_Static_assert(offsetof(portico_host_api, db_rows_column_name) == 192,
               "portico_host_api.db_rows_column_name");
_Static_assert(offsetof(portico_host_api, db_rows_get) == 200, "portico_host_api.db_rows_get");
_Static_assert(offsetof(portico_host_api, db_rows_free) == 208, "portico_host_api.db_rows_free");
_Static_assert(offsetof(portico_host_api, db_begin) == 216, "portico_host_api.db_begin");
_Static_assert(offsetof(portico_host_api, db_commit) == 224, "portico_host_api.db_commit");
_Static_assert(offsetof(portico_host_api, db_rollback) == 232, "portico_host_api.db_rollback");
_Static_assert(offsetof(portico_host_api, redis_acquire) == 240, "portico_host_api.redis_acquire");
_Static_assert(offsetof(portico_host_api, redis_release) == 248, "portico_host_api.redis_release");
_Static_assert(offsetof(portico_host_api, redis_command) == 256, "portico_host_api.redis_command");
_Static_assert(offsetof(portico_host_api, redis_reply_type) == 264,
               "portico_host_api.redis_reply_type");
_Static_assert(offsetof(portico_host_api, redis_reply_integer) == 272,
               "portico_host_api.redis_reply_integer");
_Static_assert(offsetof(portico_host_api, redis_reply_string) == 280,
               "portico_host_api.redis_reply_string");
_Static_assert(offsetof(portico_host_api, redis_reply_length) == 288,
               "portico_host_api.redis_reply_length");
_Static_assert(offsetof(portico_host_api, redis_reply_element) == 296,
               "portico_host_api.redis_reply_element");
_Static_assert(offsetof(portico_host_api, redis_reply_free) == 304,
               "portico_host_api.redis_reply_free");
_Static_assert(offsetof(portico_host_api, event_publish) == 312, "portico_host_api.event_publish");
_Static_assert(offsetof(portico_host_api, event_subscribe) == 320,
               "portico_host_api.event_subscribe");
_Static_assert(offsetof(portico_host_api, job_enqueue) == 328, "portico_host_api.job_enqueue");
_Static_assert(offsetof(portico_host_api, job_handle) == 336, "portico_host_api.job_handle");
_Static_assert(offsetof(portico_host_api, job_status) == 344, "portico_host_api.job_status");
_Static_assert(offsetof(portico_host_api, request_principal) == 352,
               "portico_host_api.request_principal");
_Static_assert(offsetof(portico_host_api, request_client_ip) == 360,
               "portico_host_api.request_client_ip");
_Static_assert(offsetof(portico_host_api, token_issue) == 368, "portico_host_api.token_issue");
_Static_assert(offsetof(portico_host_api, token_revoke) == 376, "portico_host_api.token_revoke");
_Static_assert(offsetof(portico_host_api, subject_revoke) == 384,
               "portico_host_api.subject_revoke");
_Static_assert(offsetof(portico_host_api, token_jwks) == 392, "portico_host_api.token_jwks");
_Static_assert(offsetof(portico_host_api, log_enabled) == 400, "portico_host_api.log_enabled");
_Static_assert(offsetof(portico_host_api, request_ctx) == 408, "portico_host_api.request_ctx");
_Static_assert(offsetof(portico_host_api, event_subscribe_ctx) == 416,
               "portico_host_api.event_subscribe_ctx");
_Static_assert(offsetof(portico_host_api, job_handle_ctx) == 424,
               "portico_host_api.job_handle_ctx");
_Static_assert(offsetof(portico_host_api, http_fetch) == 432, "portico_host_api.http_fetch");
_Static_assert(offsetof(portico_host_api, http_response_status) == 440,
               "portico_host_api.http_response_status");
_Static_assert(offsetof(portico_host_api, http_response_header_count) == 448,
               "portico_host_api.http_response_header_count");
_Static_assert(offsetof(portico_host_api, http_response_header_at) == 456,
               "portico_host_api.http_response_header_at");
_Static_assert(offsetof(portico_host_api, http_response_header) == 464,
               "portico_host_api.http_response_header");
_Static_assert(offsetof(portico_host_api, http_response_body) == 472,
               "portico_host_api.http_response_body");
_Static_assert(offsetof(portico_host_api, http_response_free) == 480,
               "portico_host_api.http_response_free");
/* 1.5 */
_Static_assert(offsetof(portico_host_api, response_stream) == 488,
               "portico_host_api.response_stream");
_Static_assert(offsetof(portico_host_api, response_websocket) == 496,
               "portico_host_api.response_websocket");
_Static_assert(offsetof(portico_host_api, stream_write) == 504, "portico_host_api.stream_write");
_Static_assert(offsetof(portico_host_api, stream_close) == 512, "portico_host_api.stream_close");
_Static_assert(offsetof(portico_host_api, stream_release) == 520,
               "portico_host_api.stream_release");
_Static_assert(offsetof(portico_host_api, channel_publish) == 528,
               "portico_host_api.channel_publish");
_Static_assert(offsetof(portico_host_api, stream_subscribe) == 536,
               "portico_host_api.stream_subscribe");
_Static_assert(offsetof(portico_host_api, request_body_read) == 544,
               "portico_host_api.request_body_read");
_Static_assert(offsetof(portico_host_api, call_traceparent) == 552,
               "portico_host_api.call_traceparent");
/* 1.6 */
_Static_assert(offsetof(portico_host_api, metric_count) == 560, "portico_host_api.metric_count");
_Static_assert(offsetof(portico_host_api, component_state) == 568,
               "portico_host_api.component_state");
/* 1.7 */
_Static_assert(offsetof(portico_host_api, request_scheme) == 576,
               "portico_host_api.request_scheme");
_Static_assert(sizeof(portico_stream_handlers) == 40, "portico_stream_handlers");
_Static_assert(offsetof(portico_stream_handlers, user_data) == 8,
               "portico_stream_handlers.user_data");
_Static_assert(offsetof(portico_stream_handlers, on_message) == 16,
               "portico_stream_handlers.on_message");
_Static_assert(offsetof(portico_stream_handlers, on_writable) == 24,
               "portico_stream_handlers.on_writable");
_Static_assert(offsetof(portico_stream_handlers, on_close) == 32,
               "portico_stream_handlers.on_close");
_Static_assert(sizeof(portico_http_header) == 32, "portico_http_header");
_Static_assert(sizeof(portico_http_request) == 144, "portico_http_request");
_Static_assert(offsetof(portico_http_header, name) == 0, "portico_http_header.name");
_Static_assert(offsetof(portico_http_header, value) == 16, "portico_http_header.value");
_Static_assert(offsetof(portico_http_request, struct_size) == 0,
               "portico_http_request.struct_size");
_Static_assert(offsetof(portico_http_request, method) == 8, "portico_http_request.method");
_Static_assert(offsetof(portico_http_request, url) == 24, "portico_http_request.url");
_Static_assert(offsetof(portico_http_request, headers) == 40, "portico_http_request.headers");
_Static_assert(offsetof(portico_http_request, header_count) == 48,
               "portico_http_request.header_count");
_Static_assert(offsetof(portico_http_request, body) == 56, "portico_http_request.body");
_Static_assert(offsetof(portico_http_request, body_reader) == 72,
               "portico_http_request.body_reader");
_Static_assert(offsetof(portico_http_request, body_reader_data) == 80,
               "portico_http_request.body_reader_data");
_Static_assert(offsetof(portico_http_request, body_length) == 88,
               "portico_http_request.body_length");
_Static_assert(offsetof(portico_http_request, connect_timeout_ms) == 96,
               "portico_http_request.connect_timeout_ms");
_Static_assert(offsetof(portico_http_request, timeout_ms) == 100,
               "portico_http_request.timeout_ms");
_Static_assert(offsetof(portico_http_request, max_attempts) == 104,
               "portico_http_request.max_attempts");
_Static_assert(offsetof(portico_http_request, on_body) == 112, "portico_http_request.on_body");
_Static_assert(offsetof(portico_http_request, on_body_data) == 120,
               "portico_http_request.on_body_data");
_Static_assert(offsetof(portico_http_request, is_cancelled) == 128,
               "portico_http_request.is_cancelled");
_Static_assert(offsetof(portico_http_request, is_cancelled_data) == 136,
               "portico_http_request.is_cancelled_data");
_Static_assert(sizeof(portico_plugin_hooks) == 40, "portico_plugin_hooks");
_Static_assert(offsetof(portico_plugin_hooks, struct_size) == 0,
               "portico_plugin_hooks.struct_size");
_Static_assert(offsetof(portico_plugin_hooks, init) == 8, "portico_plugin_hooks.init");
_Static_assert(offsetof(portico_plugin_hooks, ready) == 16, "portico_plugin_hooks.ready");
_Static_assert(offsetof(portico_plugin_hooks, drain) == 24, "portico_plugin_hooks.drain");
_Static_assert(offsetof(portico_plugin_hooks, destroy) == 32, "portico_plugin_hooks.destroy");
_Static_assert(sizeof(portico_plugin_info) == 72, "portico_plugin_info");
_Static_assert(offsetof(portico_plugin_info, struct_size) == 0, "portico_plugin_info.struct_size");
_Static_assert(offsetof(portico_plugin_info, abi_major) == 8, "portico_plugin_info.abi_major");
_Static_assert(offsetof(portico_plugin_info, abi_minor) == 12, "portico_plugin_info.abi_minor");
_Static_assert(offsetof(portico_plugin_info, name) == 16, "portico_plugin_info.name");
_Static_assert(offsetof(portico_plugin_info, version) == 32, "portico_plugin_info.version");
_Static_assert(offsetof(portico_plugin_info, hooks) == 48, "portico_plugin_info.hooks");
_Static_assert(offsetof(portico_plugin_info, migrations) == 56, "portico_plugin_info.migrations");
_Static_assert(offsetof(portico_plugin_info, migration_count) == 64,
               "portico_plugin_info.migration_count");
#else
#error "the pinned layout is for LP64 targets; add this target's figures before relying on it"
#endif

int portico_layout_is_pinned(void) {
  return PORTICO_ABI_MAJOR;
}
