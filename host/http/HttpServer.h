// An HTTP/1.1 server: Poco's TCPServer accepts and hands each connection to a thread of its pool;
// the connection (Connection.h) parses with Beast's strict parser instead of Poco's lenient one,
// which let framing errors through (request smuggling), and answers every error with a JSON body
// and a request id.
#pragma once

#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <memory>

#include "http/Exchange.h"
#include "http/ServerOptions.h"

namespace portico::http {

struct ConnectionShared;

class HttpServer {
 public:
  // handler and observer (may be null) must outlive the server.
  HttpServer(const ServerOptions& options, Handler& handler, Observer* observer);
  ~HttpServer();

  void start();
  // Stops accepting, lets requests in progress finish, closes idle keep-alive connections and
  // waits up to `graceMs` for every connection to end.
  void stop(int graceMs);
  uint16_t port() const;

 private:
  ServerOptions options_;
  Poco::ThreadPool pool_;
  int stopPipe_[2] = {-1, -1};
  std::shared_ptr<ConnectionShared> shared_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace portico::http
