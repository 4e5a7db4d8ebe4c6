// One client connection: reads each request with Beast's parser, holds its head to the framing
// rules (Framing.h), hands it to the handler and writes the answer, until either side closes, a
// limit is passed or the server stops. A request that breaks the framing is answered once and
// the connection closed: nothing after a bad message is ever read as a request.
#pragma once

#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <memory>

#include "http/Exchange.h"
#include "http/ServerOptions.h"

namespace portico::http {

// What a server's connections share with it.
struct ConnectionShared {
  ConnectionShared(ServerOptions o, Handler& h, Observer* obs, int stop)
      : options(std::move(o)), handler(h), observer(obs), stopFd(stop) {}

  ServerOptions options;
  Handler& handler;
  Observer* observer;
  std::atomic<bool> stopping{false};
  // Readable once the server stops: every idle connection polls it beside its socket, so a stop
  // wakes idle keep-alive connections without a registry (and a lock) per request.
  int stopFd;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(std::shared_ptr<ConnectionShared> shared)
      : shared_(std::move(shared)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  std::shared_ptr<ConnectionShared> shared_;
};

}  // namespace portico::http
