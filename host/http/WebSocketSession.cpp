// SPDX-License-Identifier: Apache-2.0
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>

#include "http/StreamSessions.h"

namespace portico::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

namespace {

constexpr auto kCloseWait = std::chrono::seconds(2);

// The close code a failed read stands for. Beast has already sent the close frame for the
// violations it detects (RFC 6455 section 7.4.1); this is what the listener is told.
uint16_t codeFor(const error_code& ec) {
  if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
    return 1009;
  }
  if (ec == websocket::error::bad_frame_payload) return 1007;
  if (ec.category() == websocket::make_error_code(websocket::error::closed).category()) return 1002;
  return 1006;  // the connection dropped without a close frame
}

class WebSocketSession : public OpenConnection,
                         public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(Transport transport, std::shared_ptr<ServerShared> shared,
                   std::shared_ptr<Stream> stream,
                   beast::http::request<beast::http::string_body> request, WebSocketOptions options)
      : OpenConnection(std::move(shared)),
        ws_(std::move(transport)),
        closeWait_(ws_.get_executor()),
        stream_(std::move(stream)),
        request_(std::move(request)),
        options_(std::move(options)) {}

  void start() {
    enroll(weak_from_this());
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::milliseconds(shared_->options.timeoutMs);
    timeouts.idle_timeout = std::chrono::milliseconds(options_.idleTimeoutMs);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options_.maxMessageBytes);
    ws_.set_option(websocket::stream_base::decorator(
        [id = options_.requestId](websocket::response_type& res) { res.set("X-Request-Id", id); }));
    ws_.async_accept(request_, [self = shared_from_this()](error_code ec) {
      self->request_ = {};
      if (ec) return self->end(1002, "handshake failed: " + ec.message());
      std::weak_ptr<WebSocketSession> weak = self;
      self->stream_->attach([weak, executor = self->ws_.get_executor()] {
        asio::post(executor, [weak] {
          if (auto s = weak.lock()) s->pump();
        });
      });
      self->read();
      self->pump();
    });
  }

  void closeWhenIdle() override { stream_->close(1001, "server stopping"); }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, size_t) {
      if (ec) {
        if (ec == websocket::error::closed) {
          auto why = self->ws_.reason();
          return self->end(why.code == websocket::close_code::none ? 1005 : why.code,
                           std::string(why.reason.c_str()));
        }
        return self->end(codeFor(ec), ec.message());
      }
      auto data = self->buffer_.cdata();
      self->stream_->listener().onMessage(
          !self->ws_.got_text(),
          std::string_view(static_cast<const char*>(data.data()), data.size()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void pump() {
    if (writing_ || closing_ || ended_) return;
    if (auto frame = stream_->next()) {
      writing_ = true;
      sending_ = std::move(*frame);
      ws_.text(!sending_.binary);
      ws_.async_write(asio::buffer(sending_.data),
                      [self = shared_from_this()](error_code ec, size_t) {
                        self->writing_ = false;
                        self->sending_ = {};
                        if (ec) return self->end(codeFor(ec), ec.message());
                        if (self->stream_->takeWritable()) self->stream_->listener().onWritable();
                        self->pump();
                      });
      return;
    }
    if (auto close = stream_->closeRequest()) {
      closing_ = true;
      // A client that never answers the close frame does not hold the connection (or a stop).
      closeWait_.expires_after(kCloseWait);
      closeWait_.async_wait(
          [self = shared_from_this(), code = close->first, reason = close->second](error_code ec) {
            if (!ec) self->end(code, reason);
          });
      websocket::close_reason why(static_cast<websocket::close_code>(close->first),
                                  websocket::reason_string(close->second.substr(0, 123)));
      ws_.async_close(why, [self = shared_from_this(), code = close->first,
                            reason = close->second](error_code) { self->end(code, reason); });
    }
  }

  void end(uint16_t code, const std::string& reason) {
    if (ended_) return;
    ended_ = true;
    closeWait_.cancel();
    error_code ignored;
    beast::get_lowest_layer(ws_).close(ignored);
    stream_->end(code, reason);
  }

  websocket::stream<Transport> ws_;
  asio::steady_timer closeWait_;
  std::shared_ptr<Stream> stream_;
  beast::http::request<beast::http::string_body> request_;
  WebSocketOptions options_;
  beast::flat_buffer buffer_;
  Stream::Frame sending_;
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

}  // namespace

void startWebSocketSession(Transport transport, std::shared_ptr<ServerShared> shared,
                           std::shared_ptr<Stream> stream,
                           beast::http::request<beast::http::string_body> request,
                           WebSocketOptions options) {
  std::make_shared<WebSocketSession>(std::move(transport), std::move(shared), std::move(stream),
                                     std::move(request), std::move(options))
      ->start();
}

}  // namespace portico::http
