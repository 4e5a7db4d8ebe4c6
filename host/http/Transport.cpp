// SPDX-License-Identifier: Apache-2.0
#include "http/Transport.h"

namespace portico::http {

namespace asio = boost::asio;

Transport::Transport(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls)
    : context_(std::move(tls)) {
  if (context_) {
    tls_ = std::make_unique<TlsStream>(std::move(socket), *context_);
  } else {
    plain_ = std::make_unique<SocketStream>(std::move(socket));
  }
}

void Transport::cancel() {
  boost::system::error_code ignored;
  socket().socket().cancel(ignored);
}

void Transport::shutdownSend() {
  boost::system::error_code ignored;
  socket().socket().shutdown(asio::socket_base::shutdown_send, ignored);
}

void Transport::close(boost::system::error_code& ec) {
  socket().socket().close(ec);
}

void Transport::close() {
  boost::system::error_code ignored;
  close(ignored);
}

void teardown(boost::beast::role_type role, Transport& transport, boost::system::error_code& ec) {
  if (transport.tls_) return boost::beast::teardown(role, *transport.tls_, ec);
  boost::beast::websocket::teardown(role, transport.plain_->socket(), ec);
}

}  // namespace portico::http
