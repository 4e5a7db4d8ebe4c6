/* SPDX-License-Identifier: Apache-2.0 */
// What the HTTP layer and a request handler tell each other about one request.
#pragma once

#include <string>
#include <string_view>

#include "http/Request.h"
#include "http/Response.h"

namespace portico::http {

struct Exchange {
  std::string requestId;
  std::string traceparent;      // W3C trace context: the client's when valid, else made here
  std::string route = "none";   // matched template, a bounded-cardinality metrics label
  std::string plugin = "host";  // who answered
};

// Answers one request by filling `response`. Exceptions that escape are answered 500.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void handle(Request& request, Response& response, Exchange& exchange) = 0;
};

// Sees every connection and every finished request (metrics, access log).
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void connectionOpened() = 0;
  virtual void connectionClosed() = 0;
  virtual void requestDone(std::string_view method, std::string_view target, int status,
                           const Exchange& exchange, double seconds) = 0;
};

}  // namespace portico::http
