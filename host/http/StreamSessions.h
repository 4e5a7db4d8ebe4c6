/* SPDX-License-Identifier: Apache-2.0 */
// Connections whose response goes on after its head (Stream.h): a chunked body, or a WebSocket.
// Each takes the connection over from the HTTP session that served the request, runs on the same
// event loop, and ends the stream exactly once however the connection ends.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>

#include "http/ServerShared.h"
#include "http/Stream.h"
#include "http/Transport.h"

namespace portico::http {

struct ChunkedOptions {
  // text/event-stream: a comment line goes out after this long without a write (keeps proxies
  // from timing the stream out and finds clients that have gone); 0 = none.
  int heartbeatMs = 0;
  // Ended with an SSE `retry:` hint when the server closes it, so the client reconnects soon.
  bool eventStream = false;
  // The body is the bytes themselves, ended by closing the connection (the head said neither
  // Content-Length nor chunked): what an HTTP/1.0 client understands.
  bool closeDelimited = false;
};

// The head has been sent with Transfer-Encoding: chunked (or, closeDelimited, with no framing);
// sends what the stream is given.
void startChunkedSession(Transport transport, std::shared_ptr<ServerShared> shared,
                         std::shared_ptr<Stream> stream, ChunkedOptions options);

struct WebSocketOptions {
  uint64_t maxMessageBytes = 0;  // larger messages close the connection with 1009
  int idleTimeoutMs = 0;         // a ping after half of it without traffic; closed after all of it
  std::string requestId;         // echoed on the 101
};

// Answers the upgrade `request` (101, RFC 6455) and runs the WebSocket.
void startWebSocketSession(Transport transport, std::shared_ptr<ServerShared> shared,
                           std::shared_ptr<Stream> stream,
                           boost::beast::http::request<boost::beast::http::string_body> request,
                           WebSocketOptions options);

}  // namespace portico::http
