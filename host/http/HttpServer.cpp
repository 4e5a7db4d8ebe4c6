#include "http/HttpServer.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "config/Config.h"
#include "http/Body.h"
#include "http/ErrorResponse.h"
#include "http/RequestId.h"
#include "log/Logging.h"

namespace portico::http {

struct HttpServer::Shared {
  Handler& handler;
  Observer* observer;
  Poco::Net::HTTPServerParams::Ptr params;
  std::atomic<bool> stopping{false};
  // Readable once stop() writes to it; every waiting connection polls it beside its socket, so
  // stop() wakes idle keep-alive connections without a registry (and a lock) per request.
  int stopPipe[2] = {-1, -1};
};

namespace {

using Poco::Net::HTTPResponse;

// Maps Poco's parse failures to the status a client should see. Poco words an over-long URI and
// a malformed request line the same way, so both get 400.
int statusForParseError(const std::string& message) {
  if (message.find("ield") != std::string::npos || message.find("eader") != std::string::npos) {
    return HTTPResponse::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
  }
  return HTTPResponse::HTTP_BAD_REQUEST;
}

// Poco's HTTPServerSession::hasMoreRequests() waits with Socket::poll(), which in Poco 1.11
// creates, registers and closes an epoll instance on every call: four system calls per
// keep-alive request. One poll(2) on the socket and the stop pipe does the same job.
class Session : public Poco::Net::HTTPServerSession {
 public:
  Session(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
          int stopFd)
      : HTTPServerSession(socket, params), stopFd_(stopFd) {}

  // True when a request has started to arrive within timeoutMs; false on timeout or stop.
  bool waitForRequest(int timeoutMs) {
    if (buffered() > 0) return true;
    pollfd fds[2] = {{socket().impl()->sockfd(), POLLIN, 0}, {stopFd_, POLLIN, 0}};
    int n;
    do {
      n = ::poll(fds, 2, timeoutMs);
    } while (n < 0 && errno == EINTR);
    return n > 0 && fds[1].revents == 0 && fds[0].revents != 0;
  }

 private:
  int stopFd_;
};

class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, std::shared_ptr<HttpServer::Shared> shared)
      : TCPServerConnection(socket), shared_(std::move(shared)) {}

  void run() override {
    Observer* observer = shared_->observer;
    if (observer) observer->connectionOpened();
    try {
      serve();
    } catch (const Poco::Exception& e) {
      // Resets and broken pipes end a connection; they are the client's business.
      log::get("http")->debug("connection ended: {}", e.displayText());
    }
    if (observer) observer->connectionClosed();
  }

 private:
  void serve() {
    Poco::Net::HTTPServerParams::Ptr params = shared_->params;
    Session session(socket(), params, shared_->stopPipe[0]);
    const int maxRequests = params->getMaxKeepAliveRequests();
    for (int served = 0;; ++served) {
      int waitMs = static_cast<int>(
          (served == 0 ? params->getTimeout() : params->getKeepAliveTimeout()).totalMilliseconds());
      if (shared_->stopping || !session.waitForRequest(waitMs)) return;
      bool mayKeepAlive = maxRequests <= 0 || served + 1 < maxRequests;
      std::string requestId = newRequestId();
      try {
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, params);
        if (!serveOne(session, request, response, requestId, mayKeepAlive)) return;
      } catch (const Poco::Net::NoMessageException&) {
        return;
      } catch (const Poco::Net::MessageException& e) {
        sendProtocolError(session, statusForParseError(e.message()),
                          "malformed request: " + e.message(), requestId);
        return;
      } catch (const Poco::TimeoutException&) {
        sendProtocolError(session, HTTPResponse::HTTP_REQUEST_TIMEOUT,
                          "request not received in time", requestId);
        return;
      }
    }
  }

  // Returns whether the connection stays open for another request.
  bool serveOne(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPServerRequestImpl& request,
                Poco::Net::HTTPServerResponseImpl& response, std::string& requestId,
                bool mayKeepAlive) {
    auto started = std::chrono::steady_clock::now();
    // get(name, default) would return a reference to a temporary default: look it up instead.
    auto incoming = request.find("X-Request-Id");
    if (incoming != request.end() && isValidRequestId(incoming->second)) {
      requestId = incoming->second;
    }
    Exchange exchange;
    exchange.requestId = requestId;
    log::RequestScope scope(exchange.requestId);

    const auto& params = shared_->params;
    response.setVersion(request.getVersion());
    response.setKeepAlive(params->getKeepAlive() && request.getKeepAlive() && mayKeepAlive &&
                          !shared_->stopping);
    response.set("X-Request-Id", exchange.requestId);
    shared_->handler.handle(request, response, exchange);
    if (hasBody(request) && !exchange.bodyRead) response.setKeepAlive(false);
    session.setKeepAlive(response.getKeepAlive());

    if (shared_->observer) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      shared_->observer->requestDone(request.getMethod(), request.getURI(), response.getStatus(),
                                     exchange, seconds);
    }
    return response.getKeepAlive();
  }

  void sendProtocolError(Poco::Net::HTTPServerSession& session, int status,
                         const std::string& message, const std::string& requestId) {
    try {
      Poco::Net::HTTPServerResponseImpl response(session);
      response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
      response.setKeepAlive(false);
      response.set("X-Request-Id", requestId);
      // No request object exists, and without one Poco's sendBuffer() drops the body: send()
      // with an explicit length writes it.
      std::string body = errorBody(status, message, requestId);
      response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
      response.setContentType("application/json");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      response.send().write(body.data(), static_cast<std::streamsize>(body.size())).flush();
      session.setKeepAlive(false);
      if (shared_->observer) {
        Exchange exchange;
        exchange.requestId = requestId;
        shared_->observer->requestDone("INVALID", "", status, exchange, 0.0);
      }
    } catch (const Poco::Exception&) {
      // The client is already gone; nothing left to tell it.
    }
  }

  std::shared_ptr<HttpServer::Shared> shared_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  explicit ConnectionFactory(std::shared_ptr<HttpServer::Shared> shared)
      : shared_(std::move(shared)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new Connection(socket, shared_);
  }

 private:
  std::shared_ptr<HttpServer::Shared> shared_;
};

}  // namespace

ServerOptions ServerOptions::fromConfig(const config::Config& cfg, const std::string& prefix,
                                        ServerOptions d) {
  d.host = cfg.getString(prefix + ".host", d.host);
  d.port = static_cast<uint16_t>(cfg.getInt(prefix + ".port", d.port, 0, 65535));
  d.threads = static_cast<int>(cfg.getInt(prefix + ".threads", d.threads, 1, 65536));
  d.queue = static_cast<int>(cfg.getInt(prefix + ".queue", d.queue, 1, 1 << 20));
  d.keepAliveTimeoutMs = static_cast<int>(
      cfg.getInt(prefix + ".keepalive_timeout_ms", d.keepAliveTimeoutMs, 1, 3600000));
  d.maxKeepAliveRequests = static_cast<int>(
      cfg.getInt(prefix + ".max_keepalive_requests", d.maxKeepAliveRequests, 0, INT32_MAX));
  d.timeoutMs = static_cast<int>(cfg.getInt(prefix + ".timeout_ms", d.timeoutMs, 1, 3600000));
  d.name = prefix;
  return d;
}

HttpServer::HttpServer(const ServerOptions& options, Handler& handler, Observer* observer)
    : options_(options), pool_(std::min(16, options.threads), options.threads) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(options.threads);
  params->setMaxQueued(options.queue);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(
      Poco::Timespan(options.keepAliveTimeoutMs * Poco::Timespan::MILLISECONDS));
  params->setMaxKeepAliveRequests(options.maxKeepAliveRequests);
  params->setTimeout(Poco::Timespan(options.timeoutMs * Poco::Timespan::MILLISECONDS));
  shared_ = std::shared_ptr<Shared>(new Shared{handler, observer, params, {}, {-1, -1}});
  if (::pipe2(shared_->stopPipe, O_CLOEXEC) != 0) {
    throw Poco::SystemException("cannot create the server's stop pipe");
  }

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
  ::close(shared_->stopPipe[0]);
  ::close(shared_->stopPipe[1]);
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
  if (::write(shared_->stopPipe[1], &wake, 1) != 1) {
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
