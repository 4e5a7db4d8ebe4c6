/* SPDX-License-Identifier: Apache-2.0 */
// A plain TCP connection to a porticod for tests that hold many connections or speak bytes no
// client library would (slowloris heads, hand-made WebSocket frames). Closed when it goes away.
#pragma once

#include <cstdint>
#include <string>

namespace e2e {

class RawSocket {
 public:
  explicit RawSocket(uint16_t port);  // throws when the connection is refused
  ~RawSocket();
  RawSocket(RawSocket&& other) noexcept;
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  RawSocket& operator=(RawSocket&&) = delete;

  bool send(const std::string& bytes);
  // Reads until `marker` has arrived or `timeoutMs` passed; everything read, "" on close or
  // timeout before the marker.
  std::string receiveUntil(const std::string& marker, int timeoutMs = 10000);
  // Whatever arrives within `timeoutMs` (possibly nothing); sets closed() when the peer closed.
  std::string receiveFor(int timeoutMs);
  bool closed() const { return closed_; }
  // Stops reading (the kernel's receive buffer then fills and the sender blocks).
  void shrinkReceiveBuffer();

 private:
  int fd_;
  bool closed_ = false;
  std::string pending_;  // read past a marker
};

// A client's WebSocket upgrade request for `path` (RFC 6455 section 4.1), with a fixed key.
std::string websocketUpgrade(const std::string& path);

// Raises the soft open-file limit to the hard one (tests that open thousands of connections).
void raiseOpenFileLimit();

}  // namespace e2e
