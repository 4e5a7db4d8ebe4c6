#include "http/HttpServer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <future>
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
      acceptPause_(loops_.first()) {
  tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
  acceptor_.open(endpoint.protocol());
  // SO_REUSEADDR only, never SO_REUSEPORT: that would let a second process bind the same port
  // and silently take a share of its connections.
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(options.queue);
  acceptor_.non_blocking(true);
  port_ = acceptor_.local_endpoint().port();
}

HttpServer::~HttpServer() {
  stop(0);
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
                             for (int i = 0; i < kAcceptBurst; ++i) {
                               tcp::socket next(asio::make_strand(loops_.next()));
                               acceptor_.accept(next, ec);
                               if (ec) break;
                               startSession(std::move(next), shared_);
                             }
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

void HttpServer::start() {
  loops_.start();
  asio::post(acceptor_.get_executor(), [this] { accept(); });
  log::get(options_.name)
      ->info("listening on {}:{} ({} event loops, up to {} threads)", options_.host, port_,
             options_.ioThreads, options_.threads);
}

void HttpServer::stop(int graceMs) {
  if (stopped_) return;
  stopped_ = true;
  shared_->stopping = true;
  if (loops_.threads() > 0) {
    std::promise<void> closed;
    asio::post(acceptor_.get_executor(), [this, &closed] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      acceptPause_.cancel();
      closed.set_value();
    });
    closed.get_future().wait();
    // Requests in progress finish; connections waiting for one close now.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
    shared_->closeIdle();
    while (shared_->openCount() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  loops_.stop();
}

}  // namespace portico::http
