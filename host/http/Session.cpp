// SPDX-License-Identifier: Apache-2.0
#include "http/Session.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/TraceContext.h"
#include "http/BodyStream.h"
#include "http/ErrorResponse.h"
#include "http/EventLoops.h"
#include "http/Framing.h"
#include "http/ReadErrors.h"
#include "http/RequestId.h"
#include "http/StreamSessions.h"
#include "http/TlsContext.h"
#include "http/Transport.h"
#include "log/Logging.h"

namespace portico::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

// Formatted once a second per thread, not once a response.
const std::string& httpDate() {
  thread_local std::time_t second = 0;
  thread_local std::string text;
  std::time_t now = std::time(nullptr);
  if (now != second) {
    second = now;
    text = Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(now),
                                           Poco::DateTimeFormat::HTTP_FORMAT);
  }
  return text;
}

// After answering a request whose remaining bytes were never read, closing at once would make
// the kernel send a reset, which can destroy the answer before the client reads it. Like nginx's
// lingering close: stop sending, then read and drop what the client still sends, for a bounded
// time and amount.
constexpr auto kLingerTime = milliseconds(2000);
constexpr size_t kLingerBytes = size_t{1} << 20;
constexpr size_t kScratch = size_t{16} * 1024;
// The peer closed: a plain FIN, or a TLS peer closing (with or without its close_notify).
bool isEndOfInput(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

// A keep-alive connection keeps a read buffer this small between requests; a larger one (a big
// head, pipelining) is given back.
constexpr size_t kIdleBuffer = 4096;

class Session : public OpenConnection, public std::enable_shared_from_this<Session> {
 public:
  Session(Transport transport, std::shared_ptr<ServerShared> shared)
      : OpenConnection(std::move(shared)),
        transport_(std::move(transport)),
        timer_(transport_.get_executor()),
        options_(shared_->options),
        buffer_(static_cast<size_t>(options_.maxHeaderBytes) + size_t{64} * 1024) {}

  void start() {
    enroll(weak_from_this());
    beast::error_code ec;
    auto& socket = transport_.socket().socket();
    auto peer = socket.remote_endpoint(ec);
    if (ec) return end();  // gone before we looked
    peer_ = peer.address().to_string();
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    if (!transport_.secure()) return nextRequest();
    // The handshake counts as the head of the first request: it has that long.
    armAt(Clock::now() + milliseconds(options_.headerTimeoutMs));
    transport_.async_handshake([self = shared_from_this()](beast::error_code failed) {
      if (self->disarm() || failed) return self->end();
      self->nextRequest();
    });
  }

  void closeWhenIdle() override {
    asio::post(transport_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_) self->transport_.cancel();
    });
  }

 private:
  void nextRequest() {
    if (shared_->closingIdle) return end();
    waiting_ = true;
    headStarted_ = false;
    exchange_ = Exchange{};
    method_ = "INVALID";
    target_.clear();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options_.maxHeaderBytes));
    // Each route sets its own limit when it reads the body. Not boost::none: Beast 1.74 compares
    // the length against an empty optional and refuses every body.
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    idleUntil_ = Clock::now() +
                 milliseconds(served_ == 0 ? options_.timeoutMs : options_.keepAliveTimeoutMs);
    parseHead();
  }

  // Beast parses; this loop only reads, so that each read has its own deadline: until the first
  // byte the idle limit, then the sooner of the whole head's (a slowloris sending a line at a
  // time gets 408 when it passes) and the idle limit since the last byte.
  void parseHead() {
    if (buffer_.size() > 0) {
      if (!headStarted_) {
        headStarted_ = true;
        started_ = Clock::now();
        headDeadline_ = started_ + milliseconds(options_.headerTimeoutMs);
        exchange_.requestId = newRequestId();
      }
      beast::error_code parsed;
      buffer_.consume(parser_->put(buffer_.data(), parsed));
      if (parsed != bhttp::error::need_more) return onHead(parsed);
    }
    size_t room = std::min(std::max<size_t>(512, buffer_.capacity() - buffer_.size()),
                           buffer_.max_size() - buffer_.size());
    if (room == 0) return onHead(bhttp::error::buffer_overflow);
    armAt(headStarted_ ? std::min(headDeadline_, Clock::now() + milliseconds(options_.timeoutMs))
                       : idleUntil_);
    transport_.async_read_some(buffer_.prepare(room),
                               [self = shared_from_this()](beast::error_code ec, size_t n) {
                                 self->buffer_.commit(n);
                                 if (self->disarm()) return self->onHead(beast::error::timeout);
                                 if (isEndOfInput(ec)) return self->onHead(self->endOfInput());
                                 if (ec) return self->onHead(ec);
                                 self->parseHead();
                               });
  }

  beast::error_code endOfInput() {
    if (!parser_->got_some()) return bhttp::error::end_of_stream;
    beast::error_code ec;
    parser_->put_eof(ec);
    return ec ? ec : beast::error_code(bhttp::error::partial_message);
  }

  void onHead(beast::error_code ec) {
    waiting_ = false;
    if (ec) {
      // A connection that sent nothing of a next request just ends; a partial head is answered.
      if (!headStarted_) return end();
      // Beast sets the method once it has parsed the request line (and consumed it).
      bool lineParsed = parser_->get().method() != bhttp::verb::unknown ||
                        !parser_->get().method_string().empty();
      if (auto error = headError(ec, buffer_, lineParsed)) return refuse(*error);
      return end();
    }
    const auto& head = parser_->get().base();
    auto incomingId = head.find("X-Request-Id");
    if (incomingId != head.end() && isValidRequestId(sv(incomingId->value()))) {
      exchange_.requestId = std::string(sv(incomingId->value()));
    }
    auto incomingTrace = head.find("traceparent");
    exchange_.traceparent = common::traceparentFor(
        incomingTrace == head.end() ? std::string_view() : sv(incomingTrace->value()),
        exchange_.requestId);
    if (std::distance(head.begin(), head.end()) > options_.maxHeaderFields) {
      return refuse(
          {431, "more than " + std::to_string(options_.maxHeaderFields) + " header fields"});
    }
    if (auto error = checkFraming(head)) return refuse(*error);
    method_ = std::string(sv(head.method_string()));
    target_ = std::string(sv(head.target()));
    handle();
  }

  // Inline on the loop thread; if it blocks, the loop's other connections move to a helper
  // thread (EventLoops.h).
  void handle() {
    EventLoops::Handling handling;
    const auto& head = parser_->get().base();
    log::RequestScope scope(exchange_.requestId);
    std::vector<Request::Field> fields;
    fields.reserve(16);
    for (const auto& field : head) fields.emplace_back(sv(field.name_string()), sv(field.value()));
    BodyStream body(transport_, buffer_, *parser_, options_, expectsContinue(head));
    Request request(method_, target_, std::move(fields), peer_, transport_.secure(), body);
    Response response;
    try {
      shared_->handler.handle(request, response, exchange_);
    } catch (const std::exception& e) {
      log::get(options_.name)->error("handler failed: {}", e.what());
      response = Response{};
      sendError(response, 500, "internal error", exchange_.requestId);
    }
    // A body the handler did not read (refused early, 413) is still on the wire.
    unreadInput_ = !parser_->is_done() || body.failed();
    bool mayKeepAlive =
        options_.maxKeepAliveRequests <= 0 || served_ + 1 < options_.maxKeepAliveRequests;
    bool keepAlive = mayKeepAlive && parser_->keep_alive() && !unreadInput_ && !shared_->stopping;
    bool headOnly = head.method() == bhttp::verb::head;
    if (response.stream) {
      if (response.stream->kind() == Stream::Kind::WebSocket) return upgrade(std::move(response));
      // The body goes on after the head; the connection ends with it.
      keepAlive = false;
      stream_ = std::move(response.stream);
      // RFC 9112 7.1: no chunked coding to an HTTP/1.0 client; its body ends with the connection.
      streamCloseDelimited_ = head.version() < 11;
      if (headOnly) std::exchange(stream_, nullptr)->end(1000, "HEAD asks for no body");
    }
    prepare(std::move(response), keepAlive);
    write(headOnly, keepAlive);
  }

  // Hands the socket to a WebSocket session, which answers 101 (or Beast's 400 for a malformed
  // upgrade) and runs the stream.
  void upgrade(Response&& response) {
    disarm();
    timer_.cancel();
    reportDone(101);
    bhttp::request<bhttp::string_body> request{std::move(parser_->get().base())};
    WebSocketOptions o{options_.websocketMaxMessageBytes, options_.websocketIdleTimeoutMs,
                       exchange_.requestId};
    startWebSocketSession(std::move(transport_), shared_, std::move(response.stream),
                          std::move(request), std::move(o));
  }

  // Answers a request that will not be served, then the connection closes.
  void refuse(const HttpError& error) {
    unreadInput_ = true;
    if (exchange_.requestId.empty()) exchange_.requestId = newRequestId();
    Response response;
    sendError(response, error.status, error.message, exchange_.requestId);
    prepare(std::move(response), false);
    write(false, false);
  }

  void prepare(Response&& r, bool keepAlive) {
    auto& res = response_.emplace();
    res.version(11);
    res.result(static_cast<unsigned>(r.status));
    for (const auto& [name, value] : r.headers) res.insert(name, value);
    res.set(bhttp::field::date, httpDate());
    res.set("X-Request-Id", exchange_.requestId);
    if (transport_.secure() && !options_.hsts.empty()) {
      res.set(bhttp::field::strict_transport_security, options_.hsts);
    }
    res.keep_alive(keepAlive);
    if (stream_) {
      auto type = res.find(bhttp::field::content_type);
      streamType_ = type == res.end() ? "" : std::string(sv(type->value()));
      res.chunked(!streamCloseDelimited_);
      // A proxy in front (nginx) would otherwise hold the events back to fill its buffer.
      res.set("X-Accel-Buffering", "no");
      return;
    }
    // These statuses never carry a body (RFC 9110 sections 15.3.5 and 15.4.5).
    if (r.status != 204 && r.status != 304) res.body() = std::move(r.body);
    res.prepare_payload();
  }

  void write(bool headOnly, bool keepAlive) {
    armAt(Clock::now() + milliseconds(options_.timeoutMs));
    serializer_.emplace(*response_);
    auto done = [self = shared_from_this(), keepAlive](beast::error_code ec, size_t) {
      self->written(ec, keepAlive);
    };
    if (headOnly || stream_) {
      bhttp::async_write_header(transport_, *serializer_, std::move(done));
    } else {
      bhttp::async_write(transport_, *serializer_, std::move(done));
    }
  }

  void written(beast::error_code ec, bool keepAlive) {
    disarm();
    int status = static_cast<int>(response_->result_int());
    serializer_.reset();
    response_.reset();
    parser_.reset();
    reportDone(status);
    if (stream_) return startStream(ec);
    if (ec) return end();
    if (!keepAlive) return unreadInput_ ? linger() : end();
    ++served_;
    if (buffer_.size() == 0 && buffer_.capacity() > kIdleBuffer) buffer_.shrink_to_fit();
    nextRequest();
  }

  void startStream(beast::error_code ec) {
    auto stream = std::exchange(stream_, nullptr);
    if (ec) {
      end();
      return stream->end(1001, "client went away");
    }
    disarm();
    timer_.cancel();
    ChunkedOptions o;
    const auto& type = streamType_;
    o.eventStream = isEventStream(type);
    o.heartbeatMs = o.eventStream ? options_.sseHeartbeatMs : 0;
    o.closeDelimited = streamCloseDelimited_;
    startChunkedSession(std::move(transport_), shared_, std::move(stream), o);
  }

  void reportDone(int status) {
    if (!shared_->observer) return;
    double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    shared_->observer->requestDone(method_, target_, status, exchange_, seconds);
  }

  void linger() {
    transport_.shutdownSend();
    armAt(Clock::now() + kLingerTime);
    drop(0);
  }

  void drop(size_t dropped) {
    if (dropped >= kLingerBytes) return end();
    if (!scratch_) scratch_ = std::make_unique<char[]>(kScratch);
    transport_.async_read_some(
        asio::buffer(scratch_.get(), kScratch),
        [self = shared_from_this(), dropped](beast::error_code ec, size_t n) {
          if (ec || self->timedOut_) return self->end();
          self->drop(dropped + n);
        });
  }

  // The connection ends once nothing refers to it; this makes sure nothing still does.
  void end() {
    disarm();
    timer_.cancel();
    transport_.close();
  }

  // One deadline at a time bounds whatever the connection waits for; when it passes, the wait is
  // cancelled and disarm() reports it. The timer is lazy: it is reset only when a deadline comes
  // sooner than the one it waits for, so a request costs no timer operations in the common case.
  void armAt(Clock::time_point deadline) {
    deadline_ = deadline;
    timedOut_ = false;
    if (timerWaiting_ && timer_.expiry() <= deadline) return;
    timer_.expires_at(deadline);
    waitTimer();
  }

  void waitTimer() {
    timerWaiting_ = true;
    timer_.async_wait([self = shared_from_this(), wait = ++timerWaits_](beast::error_code ec) {
      self->timerFired(ec, wait);
    });
  }

  void timerFired(beast::error_code ec, uint64_t wait) {
    if (wait != timerWaits_) return;  // replaced by a sooner deadline
    timerWaiting_ = false;
    if (ec || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < deadline_) {
      timer_.expires_at(deadline_);
      return waitTimer();
    }
    timedOut_ = true;
    transport_.cancel();
  }

  // Ends the current deadline; true if it had passed.
  bool disarm() {
    deadline_ = Clock::time_point::max();
    return timedOut_;
  }

  Transport transport_;
  asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  uint64_t timerWaits_ = 0;  // so a replaced wait is told from the current one
  bool timerWaiting_ = false;
  bool timedOut_ = false;

  const ServerOptions& options_;
  // Outlives each request: bytes past one request (a pipelined next one) stay here.
  beast::flat_buffer buffer_;
  std::string peer_;
  int served_ = 0;
  bool waiting_ = false;      // for a request or its head: a stop may close the connection
  bool unreadInput_ = false;  // the last request left bytes on the wire
  std::unique_ptr<char[]> scratch_;

  // The request in progress.
  Clock::time_point idleUntil_;
  bool headStarted_ = false;
  Clock::time_point started_;
  Clock::time_point headDeadline_;
  Exchange exchange_;
  std::string method_;
  std::string target_;
  std::optional<RequestParser> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response_serializer<bhttp::string_body>> serializer_;
  std::shared_ptr<Stream> stream_;     // the body that goes on after this head
  std::string streamType_;             // its Content-Type
  bool streamCloseDelimited_ = false;  // sent unframed, ended by closing (an HTTP/1.0 client)
};

}  // namespace

void startSession(asio::ip::tcp::socket socket, std::shared_ptr<ServerShared> shared) {
  auto tls = shared->tls ? shared->tls->current() : nullptr;
  Transport transport(std::move(socket), std::move(tls));
  std::make_shared<Session>(std::move(transport), std::move(shared))->start();
}

}  // namespace portico::http
