/* SPDX-License-Identifier: Apache-2.0 */
// An HTTP/1.1 server on Asio event loops (EventLoops.h): a few threads hold every connection,
// idle or not, and run handlers inline, with helper threads lent to a loop whose handler blocks.
// Requests are parsed with Beast's strict parser and held to the framing rules (Framing.h);
// every error is answered with a JSON body and a request id.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "http/EventLoops.h"
#include "http/Exchange.h"
#include "http/ServerOptions.h"
#include "http/ServerShared.h"
#include "http/TlsContext.h"

namespace portico::http {

class HttpServer {
 public:
  // Binds at once (a port in use fails here). handler and observer (may be null) must outlive
  // the server.
  HttpServer(const ServerOptions& options, Handler& handler, Observer* observer);
  ~HttpServer();

  void start();
  // The first half of a stop: takes the connections already waiting in the backlog, stops
  // accepting and marks every response from now on `Connection: close`. A listener another
  // process shares (a binary upgrade, systemd) stays open there and loses no connection.
  void drain();
  // Drains (if not yet), gives kept-alive connections until `drainMs` after the drain began to
  // carry one last request (a proxy that reuses one then learns of the close from the response,
  // not from a reset), closes those still idle and waits up to `graceMs` for the rest to end.
  void stop(int drainMs, int graceMs);
  uint16_t port() const { return port_; }
  // The listening descriptor, for handing over to a successor process; owned by the server.
  int listenerFd() { return acceptor_.native_handle(); }
  // Threads serving connections now: the loops' own and the helpers lent to them.
  int threads() const { return loops_.threads(); }
  bool secure() const { return shared_->tls != nullptr; }
  // Reads the certificate and key again (SIGHUP, the admin API, a change on disk) and logs what
  // came of it; none when this listener is plain.
  std::optional<TlsContext::Reload> reloadTls();
  std::optional<TlsCertificate> tlsCertificate() const;

 private:
  void accept();
  // Starts a session for each connection already in the backlog, at most `limit`; on the
  // acceptor's loop, which never blocks on it (non-blocking).
  void acceptWaiting(int limit);
  void adopt(int fd);
  void watchTlsFiles();

  ServerOptions options_;
  std::shared_ptr<ServerShared> shared_;
  EventLoops loops_;
  // Both live on the first loop; declared after the loops so they are destroyed first.
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer acceptPause_;
  boost::asio::steady_timer tlsWatch_;
  uint16_t port_ = 0;
  bool draining_ = false;
  bool stopped_ = false;
  std::chrono::steady_clock::time_point drainStarted_;
};

}  // namespace portico::http
