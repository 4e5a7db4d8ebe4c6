/* SPDX-License-Identifier: Apache-2.0 */
// The bytes of one client connection: plain TCP, or TLS over it. Sessions (Session.h,
// StreamSessions.h) read and write through this one type whichever it is, and hand it on when a
// response turns into a stream. TLS is Asio's (OpenSSL) over SocketStream, so the body a worker
// reads synchronously keeps its deadlines under TLS too; Beast's ssl_stream wraps it so that a
// response's head and body go out as one TLS record (Asio's stream alone writes each buffer as a
// record and a system call of its own). Movable: the streams live behind pointers, so a move
// keeps what a pending operation refers to.
#pragma once

#include <boost/beast/core/role.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <memory>
#include <string>
#include <utility>

#include "http/SocketStream.h"

namespace portico::http {

class Transport {
 public:
  using executor_type = SocketStream::executor_type;
  using TlsStream = boost::beast::ssl_stream<SocketStream>;

  // `tls`: the context new handshakes use (TlsContext.h), null for plain TCP. The connection
  // keeps it as long as it lives, whatever a reload installs meanwhile.
  Transport(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls);

  bool secure() const { return tls_ != nullptr; }
  SocketStream& socket() { return tls_ ? tls_->next_layer() : *plain_; }
  executor_type get_executor() { return socket().get_executor(); }
  int nativeHandle() { return socket().socket().native_handle(); }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Handler>(handler));
    plain_->async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Handler>(handler));
    plain_->async_write_some(buffers, std::forward<Handler>(handler));
  }
  // Synchronous, with SocketStream's deadlines (set them on socket()).
  template <class Buffers>
  size_t read_some(const Buffers& buffers, boost::beast::error_code& ec) {
    return tls_ ? tls_->read_some(buffers, ec) : plain_->read_some(buffers, ec);
  }
  template <class Buffers>
  size_t write_some(const Buffers& buffers, boost::beast::error_code& ec) {
    return tls_ ? tls_->write_some(buffers, ec) : plain_->write_some(buffers, ec);
  }
  template <class Buffers>
  size_t read_some(const Buffers& buffers) {
    return tls_ ? tls_->read_some(buffers) : plain_->read_some(buffers);
  }
  template <class Buffers>
  size_t write_some(const Buffers& buffers) {
    return tls_ ? tls_->write_some(buffers) : plain_->write_some(buffers);
  }

  // The server's side of the TLS handshake; completes at once for plain TCP.
  template <class Handler>
  void async_handshake(Handler&& handler) {
    if (!tls_) return std::forward<Handler>(handler)(boost::system::error_code());
    tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Handler>(handler));
  }

  // Cancels pending asynchronous operations (a deadline passed, the server is stopping).
  void cancel();
  // Stops sending (a lingering close). Under TLS no close_notify is sent: every response is
  // delimited by its length or its last chunk, so nothing can be cut off unnoticed.
  void shutdownSend();
  void close(boost::system::error_code& ec);
  void close();

  // Beast's WebSocket stream closes through these (found by argument-dependent lookup).
  friend void teardown(boost::beast::role_type role, Transport& transport,
                       boost::system::error_code& ec);
  template <class Handler>
  friend void async_teardown(boost::beast::role_type role, Transport& transport,
                             Handler&& handler) {
    if (transport.tls_) {
      return boost::beast::async_teardown(role, *transport.tls_, std::forward<Handler>(handler));
    }
    boost::beast::websocket::async_teardown(role, transport.plain_->socket(),
                                            std::forward<Handler>(handler));
  }
  friend void beast_close_socket(Transport& transport) { transport.close(); }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;  // outlives tls_, which refers to it
  std::unique_ptr<SocketStream> plain_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace portico::http
