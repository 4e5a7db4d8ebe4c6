/* SPDX-License-Identifier: Apache-2.0 */
// One request as a handler sees it: a head the connection has already held to RFC 9112's
// framing rules, and a body that is read from the socket only when the handler asks for it
// (so a route can refuse a body before a byte of it is read). Every view is valid until the
// handler returns.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "http/Response.h"

namespace portico::http {

// The connection's side of a body: reads at most `limit` bytes into `out`. An error leaves the
// rest of the body on the wire, so the connection closes after answering it.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  virtual std::optional<HttpError> read(uint64_t limit, std::ostream& out) = 0;
  // The next part into buf (cap bytes): *n > 0, or 0 once the body has ended.
  virtual std::optional<HttpError> readSome(uint64_t limit, char* buf, size_t cap, size_t* n) = 0;
};

class Request {
 public:
  using Field = std::pair<std::string_view, std::string_view>;

  Request(std::string_view method, std::string_view target, std::vector<Field> fields,
          std::string_view peerIp, bool secure, BodyReader& body)
      : method_(method),
        target_(target),
        fields_(std::move(fields)),
        peerIp_(peerIp),
        secure_(secure),
        body_(body) {}

  std::string_view method() const { return method_; }
  std::string_view target() const { return target_; }
  // The first field of that name (compared without case).
  std::optional<std::string_view> header(std::string_view name) const;
  // Every field of that name, in the order received.
  std::vector<std::string_view> headers(std::string_view name) const;
  // The TCP peer's IP (see ClientAddress.h for the client behind a trusted proxy).
  std::string_view peerIp() const { return peerIp_; }
  // Arrived over TLS on this listener (see ClientAddress.h for a request a trusted proxy
  // received over TLS).
  bool secure() const { return secure_; }

  // Nothing (success) or the error to answer with: 413 past `limit`, 400 for a malformed chunk,
  // 408 for a body that arrives too slowly.
  std::optional<HttpError> readBody(uint64_t limit, std::ostream& out) {
    return body_.read(limit, out);
  }
  // The body as it arrives, for routes that stream it; the same errors.
  std::optional<HttpError> readBodySome(uint64_t limit, char* buf, size_t cap, size_t* n) {
    return body_.readSome(limit, buf, cap, n);
  }

 private:
  std::string_view method_;
  std::string_view target_;
  std::vector<Field> fields_;
  std::string_view peerIp_;
  bool secure_;
  BodyReader& body_;
};

// A WebSocket opening handshake (RFC 6455 section 4.2.1): GET with Upgrade: websocket and
// Connection: upgrade. What else the handshake needs is checked when it is answered.
bool isWebSocketUpgrade(const Request& request);

}  // namespace portico::http
