// An HTTP/1.1 server on Asio event loops (EventLoops.h): a few threads hold every connection,
// idle or not, and run handlers inline, with helper threads lent to a loop whose handler blocks.
// Requests are parsed with Beast's strict parser and held to the framing rules (Framing.h);
// every error is answered with a JSON body and a request id.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>

#include "http/EventLoops.h"
#include "http/Exchange.h"
#include "http/ServerOptions.h"

namespace portico::http {

struct ServerShared;

class HttpServer {
 public:
  // Binds at once (a port in use fails here). handler and observer (may be null) must outlive
  // the server.
  HttpServer(const ServerOptions& options, Handler& handler, Observer* observer);
  ~HttpServer();

  void start();
  // Stops accepting, lets requests in progress finish, closes idle keep-alive connections and
  // waits up to `graceMs` for every connection to end.
  void stop(int graceMs);
  uint16_t port() const { return port_; }
  // Threads serving connections now: the loops' own and the helpers lent to them.
  int threads() const { return loops_.threads(); }

 private:
  void accept();

  ServerOptions options_;
  std::shared_ptr<ServerShared> shared_;
  EventLoops loops_;
  // Both live on the first loop; declared after the loops so they are destroyed first.
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer acceptPause_;
  uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace portico::http
