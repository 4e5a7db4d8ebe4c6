// What the HTTP layer and a request handler tell each other about one request.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace portico::http {

struct Exchange {
  std::string requestId;
  std::string route = "none";    // matched template, a bounded-cardinality metrics label
  std::string plugin = "host";   // who answered
  bool closeConnection = false;  // set when the body was not read (e.g. 413): the stream is dirty
};

// Answers one request. Implementations must send a response (and may throw Poco exceptions
// only for I/O failures on the connection).
class Handler {
 public:
  virtual ~Handler() = default;
  virtual void handle(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response, Exchange& exchange) = 0;
};

// Sees every connection and every finished request (metrics, access log).
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void connectionOpened() = 0;
  virtual void connectionClosed() = 0;
  virtual void requestDone(const std::string& method, const std::string& target, int status,
                           const Exchange& exchange, double seconds) = 0;
};

}  // namespace portico::http
