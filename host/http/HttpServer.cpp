#include "http/HttpServer.h"

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerParams.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "http/Connection.h"
#include "log/Logging.h"

namespace portico::http {

HttpServer::HttpServer(const ServerOptions& options, Handler& handler, Observer* observer)
    : options_(options), pool_(std::min(16, options.threads), options.threads) {
  if (::pipe2(stopPipe_, O_CLOEXEC) != 0) {
    throw Poco::SystemException("cannot create the server's stop pipe");
  }
  shared_ = std::make_shared<ConnectionShared>(options, handler, observer, stopPipe_[0]);

  Poco::Net::TCPServerParams::Ptr params = new Poco::Net::TCPServerParams;
  params->setMaxThreads(options.threads);
  params->setMaxQueued(options.queue);
  Poco::Net::ServerSocket socket;
  // SO_REUSEADDR only: Poco's two-argument bind() sets SO_REUSEPORT too, which would let a second
  // process bind the same port and silently take a share of its connections.
  socket.bind(Poco::Net::SocketAddress(options.host, options.port), true, false);
  socket.listen(std::max(64, options.queue));
  server_ =
      std::make_unique<Poco::Net::TCPServer>(new ConnectionFactory(shared_), pool_, socket, params);
}

HttpServer::~HttpServer() {
  if (server_) stop(0);
  ::close(stopPipe_[0]);
  ::close(stopPipe_[1]);
}

void HttpServer::start() {
  server_->start();
  log::get(options_.name)
      ->info("listening on {}:{} ({} threads, queue {})", options_.host, port(), options_.threads,
             options_.queue);
}

void HttpServer::stop(int graceMs) {
  if (shared_->stopping.exchange(true)) return;
  server_->stop();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
  // Wakes every connection waiting for its next request; requests in progress finish.
  char wake = 1;
  if (::write(stopPipe_[1], &wake, 1) != 1) {
    log::get(options_.name)->warn("could not signal idle connections to close");
  }
  while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pool_.joinAll();
}

uint16_t HttpServer::port() const {
  return server_->socket().address().port();
}

}  // namespace portico::http
