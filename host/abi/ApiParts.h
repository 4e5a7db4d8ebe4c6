/* SPDX-License-Identifier: Apache-2.0 */
// The parts of the host's function table, one per file in this folder. A new host service adds
// its members to plugin.h, one XApi.cpp here that fills them, and one line below.
#pragma once

#include "portico/plugin.h"

namespace portico::abi {

// log, config_get, route_add, request_* and response_* (1.0); log_enabled, request_ctx (1.3).
void fillCoreApi(portico_host_api& api);
// db_* and redis_* (1.1).
void fillDataApi(portico_host_api& api);
// event_* and job_* (1.1, their _ctx forms 1.3).
void fillMessagingApi(portico_host_api& api);
// request_principal, request_client_ip, token_* and subject_revoke (1.2).
void fillAuthApi(portico_host_api& api);
// http_fetch and http_response_* (1.4).
void fillHttpApi(portico_host_api& api);
// request_body_read, response_stream, response_websocket, stream_*, channel_publish,
// call_traceparent (1.5).
void fillStreamApi(portico_host_api& api);
// metric_count, component_state (1.6).
void fillSignalsApi(portico_host_api& api);

}  // namespace portico::abi
