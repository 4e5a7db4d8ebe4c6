// What the HTTP layer and a request handler tell each other about one request.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

namespace portico::http {

struct Exchange {
  std::string requestId;
  std::string route = "none";   // matched template, a bounded-cardinality metrics label
  std::string plugin = "host";  // who answered
  // Set by readBody once the whole body is read. A body left unread (refused early, 413) is still
  // on the wire, so the server closes the connection after answering.
  bool bodyRead = false;
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
