/* SPDX-License-Identifier: Apache-2.0 */
// A client's TCP socket as an Asio stream with two faces. Asynchronous reads and writes go to the
// socket (the event loop's work). Synchronous ones, made by the worker that reads a body while the
// connection's event loop leaves the socket alone, have deadlines: each waits in poll(2) for at
// most the time it has left, so a silent, slow or never-reading client costs a timeout, never a
// thread for good. TLS runs over it (Transport.h), so its synchronous reads keep those deadlines.
#pragma once

#include <sys/uio.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace portico::http {

class SocketStream {
 public:
  using Clock = std::chrono::steady_clock;
  using executor_type = boost::asio::ip::tcp::socket::executor_type;
  using lowest_layer_type = boost::asio::ip::tcp::socket::lowest_layer_type;

  explicit SocketStream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_.lowest_layer(); }

  template <class Buffers, class Handler>
  void async_read_some(const Buffers& buffers, Handler&& handler) {
    socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  void async_write_some(const Buffers& buffers, Handler&& handler) {
    socket_.async_write_some(buffers, std::forward<Handler>(handler));
  }

  // The synchronous side. `idle`: the longest any single read or write may wait for the peer.
  void setIdle(std::chrono::milliseconds idle) { idle_ = idle; }

  // Reads fail with beast::error::timeout from `deadline` on.
  void expireAt(Clock::time_point deadline);
  // Reads fail with beast::error::timeout once, `grace` after now, fewer than `bytesPerSecond` on
  // average have arrived since now. 0 turns the rate off (the idle limit still holds).
  void requireRate(uint64_t bytesPerSecond, std::chrono::milliseconds grace);

  template <class Buffers>
  size_t read_some(const Buffers& buffers, boost::beast::error_code& ec) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() > 0) return readInto(b.data(), b.size(), ec);
    }
    ec = {};
    return 0;
  }

  template <class Buffers>
  size_t write_some(const Buffers& buffers, boost::beast::error_code& ec) {
    iovec iov[16];
    int count = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers) && count < 16; ++it) {
      boost::asio::const_buffer b = *it;
      if (b.size() == 0) continue;
      iov[count].iov_base = const_cast<void*>(b.data());
      iov[count].iov_len = b.size();
      ++count;
    }
    return writeFrom(iov, count, ec);
  }

  template <class Buffers>
  size_t read_some(const Buffers& buffers) {
    return orThrow([&](boost::beast::error_code& ec) { return read_some(buffers, ec); });
  }
  template <class Buffers>
  size_t write_some(const Buffers& buffers) {
    return orThrow([&](boost::beast::error_code& ec) { return write_some(buffers, ec); });
  }

 private:
  template <class F>
  static size_t orThrow(F&& f) {
    boost::beast::error_code ec;
    size_t n = f(ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  size_t readInto(void* data, size_t size, boost::beast::error_code& ec);
  size_t writeFrom(const iovec* iov, int count, boost::beast::error_code& ec);
  // Waits for `events` on the socket within the time left for reads (or the idle limit for
  // writes); false with ec set on timeout or error.
  bool await(short events, bool reading, boost::beast::error_code& ec);
  Clock::time_point readDeadline() const;

  boost::asio::ip::tcp::socket socket_;
  std::chrono::milliseconds idle_{0};
  Clock::time_point deadline_ = Clock::time_point::max();
  uint64_t minRate_ = 0;  // bytes per second, 0 = off
  Clock::time_point rateStart_;
  std::chrono::milliseconds rateGrace_{0};
  uint64_t received_ = 0;  // since rateStart_
};

}  // namespace portico::http
