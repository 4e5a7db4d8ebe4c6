/* SPDX-License-Identifier: Apache-2.0 */
/* The layout of every struct member a released ABI minor declared, one line each:
 *   <struct>.<member> offset <bytes> size <bytes>
 * and the size of the structs frozen for the whole major (they travel in arrays). Built against
 * each released header (tests/abi/released) and against today's; abi.layout_keeps_released
 * fails, naming the member, when today's header moved or resized what a release had. A new
 * minor adds its members here, under its own #if, when it is released. */
#include <portico/plugin.h>
#include <stddef.h>
#include <stdio.h>

#define MEMBER(type, member)                                                 \
  printf(#type "." #member " offset %zu size %zu\n", offsetof(type, member), \
         sizeof(((type*)0)->member))
#define FROZEN(type) printf(#type " sizeof %zu\n", sizeof(type))

int main(void) {
  FROZEN(portico_str);
  FROZEN(portico_error);
  MEMBER(portico_str, ptr);
  MEMBER(portico_str, len);
  MEMBER(portico_error, buf);
  MEMBER(portico_error, cap);
  MEMBER(portico_error, len);
  MEMBER(portico_route, struct_size);
  MEMBER(portico_route, method);
  MEMBER(portico_route, path);
  MEMBER(portico_route, handler);
  MEMBER(portico_route, route_data);
  MEMBER(portico_route, max_body_bytes);
  MEMBER(portico_route, flags);
  MEMBER(portico_host_api, struct_size);
  MEMBER(portico_host_api, abi_major);
  MEMBER(portico_host_api, abi_minor);
  MEMBER(portico_host_api, host_version);
  MEMBER(portico_host_api, log);
  MEMBER(portico_host_api, config_get);
  MEMBER(portico_host_api, route_add);
  MEMBER(portico_host_api, request_method);
  MEMBER(portico_host_api, request_path);
  MEMBER(portico_host_api, request_query);
  MEMBER(portico_host_api, request_id);
  MEMBER(portico_host_api, request_body);
  MEMBER(portico_host_api, request_param);
  MEMBER(portico_host_api, request_query_param);
  MEMBER(portico_host_api, request_header);
  MEMBER(portico_host_api, response_set_status);
  MEMBER(portico_host_api, response_add_header);
  MEMBER(portico_host_api, response_write);
  MEMBER(portico_plugin_hooks, struct_size);
  MEMBER(portico_plugin_hooks, init);
  MEMBER(portico_plugin_hooks, ready);
  MEMBER(portico_plugin_hooks, drain);
  MEMBER(portico_plugin_hooks, destroy);
  MEMBER(portico_plugin_info, struct_size);
  MEMBER(portico_plugin_info, abi_major);
  MEMBER(portico_plugin_info, abi_minor);
  MEMBER(portico_plugin_info, name);
  MEMBER(portico_plugin_info, version);
  MEMBER(portico_plugin_info, hooks);
#if PORTICO_ABI_MINOR >= 1
  FROZEN(portico_value);
  MEMBER(portico_value, type);
  MEMBER(portico_value, i64);
  MEMBER(portico_value, f64);
  MEMBER(portico_value, b);
  MEMBER(portico_value, str);
  MEMBER(portico_job_options, struct_size);
  MEMBER(portico_job_options, delay_ms);
  MEMBER(portico_job_options, max_attempts);
  MEMBER(portico_job_options, backoff_ms);
  MEMBER(portico_host_api, db_acquire);
  MEMBER(portico_host_api, db_release);
  MEMBER(portico_host_api, db_execute);
  MEMBER(portico_host_api, db_query);
  MEMBER(portico_host_api, db_rows_count);
  MEMBER(portico_host_api, db_rows_columns);
  MEMBER(portico_host_api, db_rows_column_name);
  MEMBER(portico_host_api, db_rows_get);
  MEMBER(portico_host_api, db_rows_free);
  MEMBER(portico_host_api, db_begin);
  MEMBER(portico_host_api, db_commit);
  MEMBER(portico_host_api, db_rollback);
  MEMBER(portico_host_api, redis_acquire);
  MEMBER(portico_host_api, redis_release);
  MEMBER(portico_host_api, redis_command);
  MEMBER(portico_host_api, redis_reply_type);
  MEMBER(portico_host_api, redis_reply_integer);
  MEMBER(portico_host_api, redis_reply_string);
  MEMBER(portico_host_api, redis_reply_length);
  MEMBER(portico_host_api, redis_reply_element);
  MEMBER(portico_host_api, redis_reply_free);
  MEMBER(portico_host_api, event_publish);
  MEMBER(portico_host_api, event_subscribe);
  MEMBER(portico_host_api, job_enqueue);
  MEMBER(portico_host_api, job_handle);
  MEMBER(portico_host_api, job_status);
#endif
  return 0;
}
