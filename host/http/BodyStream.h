/* SPDX-License-Identifier: Apache-2.0 */
// A request body read on the worker thread that runs the handler, while the connection's I/O
// thread leaves the socket alone: reads wait in poll(2) with the body's rate and idle limits, so
// a client that stalls mid-body costs its worker a bounded time (408), never for good.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/Request.h"
#include "http/ServerOptions.h"
#include "http/Transport.h"

namespace portico::http {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

class BodyStream : public BodyReader {
 public:
  // `buffer` holds bytes already received past the head; it keeps what follows the body (a
  // pipelined next request).
  BodyStream(Transport& transport, boost::beast::flat_buffer& buffer, RequestParser& parser,
             const ServerOptions& options, bool expectContinue)
      : stream_(transport),
        buffer_(buffer),
        parser_(parser),
        options_(options),
        expectContinue_(expectContinue) {
    stream_.socket().setIdle(std::chrono::milliseconds(options.timeoutMs));
    stream_.socket().expireAt(SocketStream::Clock::time_point::max());
  }

  // The body could not be read whole: what is left of it is still on the wire.
  bool failed() const { return failed_; }

  std::optional<HttpError> read(uint64_t limit, std::ostream& out) override;
  std::optional<HttpError> readSome(uint64_t limit, char* buf, size_t cap, size_t* n) override;

 private:
  HttpError fail(HttpError e) {
    failed_ = true;
    return e;
  }

  Transport& stream_;
  boost::beast::flat_buffer& buffer_;
  RequestParser& parser_;
  const ServerOptions& options_;
  bool expectContinue_;
  bool started_ = false;
  bool failed_ = false;
};

}  // namespace portico::http
