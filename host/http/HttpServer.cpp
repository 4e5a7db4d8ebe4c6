// SPDX-License-Identifier: Apache-2.0
#include "http/HttpServer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <sys/socket.h>

#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>

#include "http/ServerShared.h"
#include "http/Session.h"
#include "log/Logging.h"

namespace portico::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A handler running longer than this without saying it waits gets its loop a helper thread.
constexpr auto kStallAfter = std::chrono::milliseconds(2);
constexpr int kAcceptBurst = 256;

}  // namespace

HttpServer::HttpServer(const ServerOptions& options, Handler& handler, Observer* observer)
    : options_(options),
      shared_(std::make_shared<ServerShared>(options, handler, observer)),
      loops_(options.ioThreads, options.threads, kStallAfter),
      acceptor_(loops_.first()),
      acceptPause_(loops_.first()),
      tlsWatch_(loops_.first()) {
  if (options.tls.enabled()) shared_->tls = std::make_shared<TlsContext>(options.tls);
  if (options.inheritedFd >= 0) {
    adopt(options.inheritedFd);
  } else {
    tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
    acceptor_.open(endpoint.protocol());
    // SO_REUSEADDR only, never SO_REUSEPORT: that would let a second process bind the same port
    // and silently take a share of its connections (and a listener closing drops its own queue;
    // a hand-over shares one queue instead).
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(options.queue);
  }
  acceptor_.non_blocking(true);
  port_ = acceptor_.local_endpoint().port();
}

void HttpServer::adopt(int fd) {
  int listening = 0;
  socklen_t size = sizeof listening;
  sockaddr_storage address{};
  socklen_t addressSize = sizeof address;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &addressSize) != 0 ||
      (address.ss_family != AF_INET && address.ss_family != AF_INET6)) {
    throw std::runtime_error(options_.name + ": inherited descriptor " + std::to_string(fd) +
                             " is not a listening TCP socket");
  }
  acceptor_.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), fd);
}

HttpServer::~HttpServer() {
  stop(0, 0);
}

void HttpServer::accept() {
  acceptor_.async_accept(asio::make_strand(loops_.next()),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
                           if (!ec) {
                             startSession(std::move(socket), shared_);
                             // Takes every connection already waiting, not one per turn of a busy
                             // loop: a burst of clients would otherwise overflow the backlog and
                             // wait out SYN retransmits.
                             acceptWaiting(kAcceptBurst);
                             return accept();
                           }
                           // Out of descriptors or memory: retrying at once would spin; the backlog
                           // waits meanwhile.
                           log::get(options_.name)->warn("accept failed: {}", ec.message());
                           acceptPause_.expires_after(std::chrono::milliseconds(100));
                           acceptPause_.async_wait([this](boost::system::error_code e) {
                             if (!e) accept();
                           });
                         });
}

void HttpServer::acceptWaiting(int limit) {
  boost::system::error_code ec;
  for (int i = 0; i < limit; ++i) {
    tcp::socket next(asio::make_strand(loops_.next()));
    acceptor_.accept(next, ec);
    if (ec) return;
    startSession(std::move(next), shared_);
  }
}

void HttpServer::start() {
  loops_.start();
  asio::post(acceptor_.get_executor(), [this] { accept(); });
  auto logger = log::get(options_.name);
  logger->info("listening on {}:{} ({} event loops, up to {} threads)", options_.host, port_,
               options_.ioThreads, options_.threads);
  if (shared_->tls) {
    auto certificate = shared_->tls->certificate();
    logger->info("TLS: certificate serial {} ({}, until {})", certificate.serial,
                 certificate.subject, certificate.notAfter);
    if (options_.tlsWatchMs > 0) asio::post(tlsWatch_.get_executor(), [this] { watchTlsFiles(); });
  }
}

std::optional<TlsContext::Reload> HttpServer::reloadTls() {
  if (!shared_->tls) return std::nullopt;
  auto result = shared_->tls->reload();
  auto logger = log::get(options_.name);
  if (result.ok) {
    logger->info("TLS reloaded: {}", result.message);
  } else {
    logger->error("TLS reload refused: {}", result.message);
  }
  return result;
}

std::optional<TlsCertificate> HttpServer::tlsCertificate() const {
  if (!shared_->tls) return std::nullopt;
  return shared_->tls->certificate();
}

// An ACME client (certbot, lego) renews by writing the files: they are served from the next look.
void HttpServer::watchTlsFiles() {
  tlsWatch_.expires_after(std::chrono::milliseconds(options_.tlsWatchMs));
  tlsWatch_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    auto result = shared_->tls->reloadIfChanged();
    auto logger = log::get(options_.name);
    if (!result.ok) logger->error("TLS files changed but refused: {}", result.message);
    if (result.changed) logger->info("TLS files changed: {}", result.message);
    watchTlsFiles();
  });
}

void HttpServer::drain() {
  if (draining_) return;
  draining_ = true;
  drainStarted_ = std::chrono::steady_clock::now();
  if (loops_.threads() > 0) {
    std::promise<void> closed;
    asio::post(acceptor_.get_executor(), [this, &closed] {
      boost::system::error_code ec;
      acceptor_.cancel(ec);
      acceptPause_.cancel();
      tlsWatch_.cancel();
      // Closing a listener resets the connections still in its backlog: they are taken first.
      acceptWaiting(options_.queue);
      acceptor_.close(ec);
      closed.set_value();
    });
    closed.get_future().wait();
  }
  shared_->stopping = true;
}

void HttpServer::stop(int drainMs, int graceMs) {
  if (stopped_) return;
  stopped_ = true;
  drain();
  if (loops_.threads() > 0) {
    auto waitFor = [this](std::chrono::steady_clock::time_point deadline) {
      while (shared_->openCount() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    };
    waitFor(drainStarted_ + std::chrono::milliseconds(drainMs));
    shared_->closingIdle = true;
    shared_->closeIdle();
    waitFor(std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs));
  }
  loops_.stop();
}

}  // namespace portico::http
