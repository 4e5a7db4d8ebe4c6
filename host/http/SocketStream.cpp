// SPDX-License-Identifier: Apache-2.0
#include "http/SocketStream.h"

#include "common/Blocking.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>

namespace portico::http {

using boost::beast::error_code;

void SocketStream::expireAt(Clock::time_point deadline) {
  deadline_ = deadline;
  minRate_ = 0;
}

void SocketStream::requireRate(uint64_t bytesPerSecond, std::chrono::milliseconds grace) {
  deadline_ = Clock::time_point::max();
  minRate_ = bytesPerSecond;
  rateStart_ = Clock::now();
  rateGrace_ = grace;
  received_ = 0;
}

SocketStream::Clock::time_point SocketStream::readDeadline() const {
  if (minRate_ == 0) return deadline_;
  // The moment the bytes received so far stop covering the required average.
  auto covered = std::chrono::milliseconds(received_ * 1000 / minRate_);
  return rateStart_ + rateGrace_ + covered;
}

bool SocketStream::await(short events, bool reading, error_code& ec) {
  // A wait for the client: the event loop running this handler goes on with a helper thread.
  common::BlockingRegion waiting;
  auto now = Clock::now();
  auto until = now + idle_;
  if (reading) until = std::min(until, readDeadline());
  if (until <= now) {
    ec = boost::beast::error::timeout;
    return false;
  }
  pollfd fd = {socket_.native_handle(), events, 0};
  int n;
  do {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    n = ::poll(&fd, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    ec = error_code(errno, boost::system::system_category());
    return false;
  }
  if (n == 0) {
    ec = boost::beast::error::timeout;
    return false;
  }
  return true;
}

size_t SocketStream::readInto(void* data, size_t size, error_code& ec) {
  for (;;) {
    ssize_t n = ::recv(socket_.native_handle(), data, size, MSG_DONTWAIT);
    if (n > 0) {
      received_ += static_cast<uint64_t>(n);
      ec = {};
      return static_cast<size_t>(n);
    }
    if (n == 0) {
      ec = boost::asio::error::eof;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = error_code(errno, boost::system::system_category());
      return 0;
    }
    if (!await(POLLIN, true, ec)) return 0;
  }
}

size_t SocketStream::writeFrom(const iovec* iov, int count, error_code& ec) {
  ec = {};
  if (count == 0) return 0;
  msghdr msg{};
  msg.msg_iov = const_cast<iovec*>(iov);
  msg.msg_iovlen = static_cast<size_t>(count);
  for (;;) {
    ssize_t n = ::sendmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      ec = error_code(errno, boost::system::system_category());
      return 0;
    }
    if (!await(POLLOUT, false, ec)) return 0;
  }
}

}  // namespace portico::http
