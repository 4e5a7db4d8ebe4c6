/* SPDX-License-Identifier: Apache-2.0 */
// Every call into plugin code goes through here: HTTP requests (the public handler), events (the
// bus) and jobs (the job queue), each on the generation a published route table names.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/JobQueue.h"
#include "lifecycle/RouteTable.h"

namespace portico::auth {
struct Principal;
}
namespace portico::http {
class Request;
struct Response;
}  // namespace portico::http
namespace portico::metrics {
class Metrics;
}

namespace portico::dispatch {

// One request for a route, with everything the host has already decided about it.
struct RouteRequest {
  const http::Request& http;
  std::string_view path;  // decoded, normalised
  std::string_view query;
  std::string_view requestId;
  std::string_view body;
  const http::Params& params;
  const auth::Principal* principal;  // null: anonymous
  const std::vector<std::string>& trustedProxies;
  uint64_t maxResponseBytes;
  std::chrono::steady_clock::time_point deadline;  // outbound calls made for it end by then
  std::string_view traceparent;                    // the request's (http::Exchange)
  bool websocketUpgrade = false;                   // the handler may accept it
  http::Request* bodySource = nullptr;  // a PORTICO_ROUTE_STREAM_BODY route reads the body here
  uint64_t streamBufferBytes = 0;       // http.stream_buffer_bytes
};

// Runs the route's handler and writes its answer into `response`; a failed or escaped call is
// logged and answered 500 (escapes are also counted).
void callRoute(const lifecycle::RouteTable::Target<abi::RouteSpec>& route,
               const RouteRequest& request, http::Response& response, metrics::Metrics& metrics);

// '*' matches any run of characters, '?' exactly one; everything else itself.
bool topicMatches(std::string_view pattern, std::string_view topic);

// Calls every subscription whose pattern matches; failures are logged, never redelivered.
void deliverEvent(const lifecycle::RouteTable& table, const std::string& topic,
                  const std::string& payload, const std::string& traceparent);

// Runs one job on the generation handling `queue`; its outbound calls end by `deadline`.
jobs::Outcome runJob(const lifecycle::RouteTable& table, const std::string& queue,
                     const std::string& id, const std::string& payload, int attempt,
                     const std::string& traceparent, std::chrono::steady_clock::time_point deadline,
                     std::string* error);

}  // namespace portico::dispatch
