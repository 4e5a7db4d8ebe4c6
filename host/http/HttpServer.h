// An HTTP/1.1 server built from Poco's own pieces (TCPServer, HTTPServerSession, request and
// response impls) with our connection loop in place of Poco's HTTPServerConnection, because
// that one answers a malformed request with an empty 400 and we promise a JSON body on every
// error, a request id on every response, and per-connection metrics.
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "http/Exchange.h"

namespace portico::config {
class Config;
}

namespace portico::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;
  // One thread serves one connection at a time; a keep-alive connection holds its thread while
  // idle. Threads are therefore sized to the connections we accept, not to the cores.
  int threads = 256;
  int queue = 1024;                 // accepted connections waiting for a thread
  int keepAliveTimeoutMs = 5000;    // idle keep-alive connections are closed after this
  int maxKeepAliveRequests = 1000;  // then the client reconnects and queues fairly again
  int timeoutMs = 15000;            // a client silent this long mid-request gets 408
  std::string name = "http";

  // Reads <prefix>.host, .port, .threads, .queue, .keepalive_timeout_ms,
  // .max_keepalive_requests, .timeout_ms.
  static ServerOptions fromConfig(const config::Config& cfg, const std::string& prefix,
                                  ServerOptions defaults);
};

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

  // Internal: what the server's connections share with it.
  struct Shared;

 private:
  ServerOptions options_;
  Poco::ThreadPool pool_;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<Poco::Net::TCPServer> server_;
};

}  // namespace portico::http
