#include "http/Connection.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Timestamp.h>

#include <poll.h>
#include <sys/socket.h>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "http/ErrorResponse.h"
#include "http/Framing.h"
#include "http/RequestId.h"
#include "http/SocketStream.h"
#include "log/Logging.h"

namespace portico::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Parser = bhttp::request_parser<bhttp::buffer_body>;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

bool isHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// The answer to a head that could not be read, or nothing when the client simply left.
std::optional<HttpError> headError(const beast::error_code& ec, const beast::flat_buffer& buffer) {
  // What arrived of the head; its first line is the request line (or the start of it).
  std::string_view received(static_cast<const char*>(buffer.data().data()), buffer.size());
  size_t lineEnd = received.find('\n');
  if (ec == beast::error::timeout) return HttpError{408, "request head not received in time"};
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    // Beast counts the request line into the head's limit; a limit hit before the line ended
    // means the target itself is too long.
    if (lineEnd == std::string_view::npos) return HttpError{414, "request target too long"};
    return HttpError{431, "request header fields too large"};
  }
  if (ec == bhttp::error::bad_version) {
    // Beast accepts 1.0 and 1.1 only; a well-formed request line of another version gets 505.
    std::string_view line = received.substr(0, lineEnd);
    if (line.size() > 10 && line.back() == '\r') {
      std::string_view v = line.substr(line.size() - 10, 9);  // " HTTP/d.d"
      auto digit = [](char c) { return c >= '0' && c <= '9'; };
      if (v.substr(0, 6) == " HTTP/" && digit(v[6]) && v[7] == '.' && digit(v[8])) {
        return HttpError{505, "HTTP/" + std::string(v.substr(6)) +
                                  " is not supported (HTTP/1.1 and HTTP/1.0 are)"};
      }
    }
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (isHttpParseError(ec)) return HttpError{400, "malformed request: " + ec.message()};
  return std::nullopt;  // reset, broken pipe: nobody left to answer
}

HttpError bodyError(const beast::error_code& ec, uint64_t limit) {
  if (ec == bhttp::error::body_limit) {
    return {413, "request body exceeds the " + std::to_string(limit) + " bytes allowed"};
  }
  if (ec == beast::error::timeout) return {408, "request body arrived too slowly"};
  if (ec == bhttp::error::partial_message) return {400, "request body ended early"};
  return {400, "malformed request body: " + ec.message()};
}

// After answering a request whose remaining bytes were never read, closing at once would make
// the kernel send a reset, which can destroy the answer before the client reads it. Like
// nginx's lingering close: stop sending, then read and drop what the client still sends, for a
// bounded time and amount.
void lingeringClose(int fd) {
  ::shutdown(fd, SHUT_WR);
  auto deadline = Clock::now() + milliseconds(2000);
  char scratch[16 * 1024];
  for (size_t dropped = 0; dropped < (1u << 20);) {
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    pollfd p = {fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return;
    ssize_t n = ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT);
    if (n <= 0) return;
    dropped += static_cast<size_t>(n);
  }
}

std::string httpDate() {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT);
}

// The connection's side of one request's body.
class BodyStream : public BodyReader {
 public:
  BodyStream(SocketStream& stream, beast::flat_buffer& buffer, Parser& parser,
             const ServerOptions& options, bool expectContinue)
      : stream_(stream),
        buffer_(buffer),
        parser_(parser),
        options_(options),
        expectContinue_(expectContinue) {}

  bool failed() const { return failed_; }

  std::optional<HttpError> read(uint64_t limit, std::ostream& out) override {
    if (failed_) return HttpError{400, "request body could not be read"};
    if (parser_.is_done()) return std::nullopt;
    auto length = parser_.content_length();
    if (length && *length > limit)
      return fail({413, "request body of " + std::to_string(*length) + " bytes exceeds the " +
                            std::to_string(limit) + " allowed"});
    beast::error_code ec;
    if (expectContinue_) {
      expectContinue_ = false;
      bhttp::response<bhttp::empty_body> go{bhttp::status::continue_, 11};
      bhttp::write(stream_, go, ec);
      if (ec) return fail({400, "client went away"});
    }
    parser_.body_limit(limit);
    stream_.requireRate(options_.bodyMinRate, milliseconds(options_.bodyRateGraceMs));
    char chunk[16 * 1024];
    while (!parser_.is_done()) {
      parser_.get().body().data = chunk;
      parser_.get().body().size = sizeof chunk;
      bhttp::read(stream_, buffer_, parser_, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) return fail(bodyError(ec, limit));
      out.write(chunk, static_cast<std::streamsize>(sizeof chunk - parser_.get().body().size));
    }
    return std::nullopt;
  }

 private:
  HttpError fail(HttpError e) {
    failed_ = true;
    return e;
  }

  SocketStream& stream_;
  beast::flat_buffer& buffer_;
  Parser& parser_;
  const ServerOptions& options_;
  bool expectContinue_;
  bool failed_ = false;
};

class Connection : public Poco::Net::TCPServerConnection {
 public:
  Connection(const Poco::Net::StreamSocket& socket, std::shared_ptr<ConnectionShared> shared)
      : TCPServerConnection(socket), shared_(std::move(shared)) {}

  void run() override {
    Observer* observer = shared_->observer;
    if (observer) observer->connectionOpened();
    try {
      serve();
    } catch (const std::exception& e) {
      log::get(shared_->options.name)->debug("connection ended: {}", e.what());
    }
    if (observer) observer->connectionClosed();
  }

 private:
  void serve() {
    const ServerOptions& o = shared_->options;
    std::string peer;
    try {
      peer = socket().peerAddress().host().toString();
    } catch (const Poco::Net::NetException&) {
      return;  // gone before we looked
    }
    SocketStream stream(socket().impl()->sockfd(), shared_->stopFd, milliseconds(o.timeoutMs));
    // Outlives each request: bytes past one request (a pipelined next one) stay here.
    beast::flat_buffer buffer(static_cast<size_t>(o.maxHeaderBytes) + size_t{64} * 1024);
    for (int served = 0;; ++served) {
      int waitMs = served == 0 ? o.timeoutMs : o.keepAliveTimeoutMs;
      if (shared_->stopping) return;
      if (buffer.size() == 0 && !stream.waitReadable(waitMs)) return;
      bool mayKeepAlive = o.maxKeepAliveRequests <= 0 || served + 1 < o.maxKeepAliveRequests;
      if (!serveOne(stream, buffer, peer, mayKeepAlive)) break;
    }
    if (unreadInput_) lingeringClose(socket().impl()->sockfd());
  }

  // Returns whether the connection stays open for another request.
  bool serveOne(SocketStream& stream, beast::flat_buffer& buffer, const std::string& peer,
                bool mayKeepAlive) {
    const ServerOptions& o = shared_->options;
    auto started = Clock::now();
    Exchange exchange;
    exchange.requestId = newRequestId();

    Parser parser;
    parser.header_limit(static_cast<uint32_t>(o.maxHeaderBytes));
    // Each route sets its own limit when it reads the body. Not boost::none: Beast 1.74 compares
    // the length against an empty optional and refuses every body.
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    stream.expireAt(started + milliseconds(o.headerTimeoutMs));
    beast::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec) {
      if (auto error = headError(ec, buffer)) refuse(stream, *error, exchange);
      return false;
    }
    const auto& head = parser.get().base();
    auto incomingId = head.find("X-Request-Id");
    if (incomingId != head.end() && isValidRequestId(sv(incomingId->value()))) {
      exchange.requestId = std::string(sv(incomingId->value()));
    }
    if (std::distance(head.begin(), head.end()) > o.maxHeaderFields) {
      refuse(stream, {431, "more than " + std::to_string(o.maxHeaderFields) + " header fields"},
             exchange);
      return false;
    }
    if (auto error = checkFraming(head)) {
      refuse(stream, *error, exchange);
      return false;
    }

    log::RequestScope scope(exchange.requestId);
    std::vector<Request::Field> fields;
    fields.reserve(16);
    for (const auto& field : head) fields.emplace_back(sv(field.name_string()), sv(field.value()));
    BodyStream body(stream, buffer, parser, o, expectsContinue(head));
    Request request(sv(head.method_string()), sv(head.target()), std::move(fields), peer, body);
    Response response;
    try {
      shared_->handler.handle(request, response, exchange);
    } catch (const std::exception& e) {
      log::get(o.name)->error("handler failed: {}", e.what());
      response = Response{};
      sendError(response, 500, "internal error", exchange.requestId);
    }
    // A body the handler did not read (refused early, 413) is still on the wire.
    unreadInput_ = !parser.is_done() || body.failed();
    bool keepAlive = mayKeepAlive && parser.keep_alive() && !unreadInput_ && !shared_->stopping;
    int status = response.status;
    write(stream, std::move(response), head.method() == bhttp::verb::head, keepAlive, exchange, ec);
    if (shared_->observer) {
      double seconds = std::chrono::duration<double>(Clock::now() - started).count();
      shared_->observer->requestDone(request.method(), request.target(), status, exchange, seconds);
    }
    return keepAlive && !ec;
  }

  // Answers a request that will not be served, then the connection closes.
  void refuse(SocketStream& stream, const HttpError& error, const Exchange& exchange) {
    unreadInput_ = true;
    Response response;
    sendError(response, error.status, error.message, exchange.requestId);
    beast::error_code ec;
    write(stream, std::move(response), false, false, exchange, ec);
    if (shared_->observer)
      shared_->observer->requestDone("INVALID", "", error.status, exchange, 0.0);
  }

  void write(SocketStream& stream, Response&& r, bool headOnly, bool keepAlive,
             const Exchange& exchange, beast::error_code& ec) {
    bhttp::response<bhttp::string_body> res;
    res.version(11);
    res.result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers) res.insert(name, value);
    res.set(bhttp::field::date, httpDate());
    res.set("X-Request-Id", exchange.requestId);
    // These statuses never carry a body (RFC 9110 sections 15.3.5 and 15.4.5).
    if (r.status != 204 && r.status != 304) res.body() = std::move(r.body);
    res.keep_alive(keepAlive);
    res.prepare_payload();
    bhttp::response_serializer<bhttp::string_body> serializer{res};
    if (headOnly) {
      bhttp::write_header(stream, serializer, ec);
    } else {
      bhttp::write(stream, serializer, ec);
    }
  }

  std::shared_ptr<ConnectionShared> shared_;
  bool unreadInput_ = false;  // the last request left bytes on the wire
};

}  // namespace

Poco::Net::TCPServerConnection* ConnectionFactory::createConnection(
    const Poco::Net::StreamSocket& socket) {
  return new Connection(socket, shared_);
}

}  // namespace portico::http
