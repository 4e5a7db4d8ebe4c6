// SPDX-License-Identifier: Apache-2.0
#include "http/BodyStream.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <string>

#include "http/ReadErrors.h"

namespace portico::http {

namespace bhttp = boost::beast::http;

std::optional<HttpError> BodyStream::read(uint64_t limit, std::ostream& out) {
  char chunk[16 * 1024];
  size_t n = 0;
  do {
    if (auto error = readSome(limit, chunk, sizeof chunk, &n)) return error;
    out.write(chunk, static_cast<std::streamsize>(n));
  } while (n > 0);
  return std::nullopt;
}

std::optional<HttpError> BodyStream::readSome(uint64_t limit, char* buf, size_t cap, size_t* n) {
  *n = 0;
  if (failed_) return HttpError{400, "request body could not be read"};
  if (parser_.is_done()) return std::nullopt;
  boost::beast::error_code ec;
  if (!started_) {
    started_ = true;
    auto length = parser_.content_length();
    if (length && *length > limit) {
      return fail({413, "request body of " + std::to_string(*length) + " bytes exceeds the " +
                            std::to_string(limit) + " allowed"});
    }
    if (expectContinue_) {
      bhttp::response<bhttp::empty_body> go{bhttp::status::continue_, 11};
      bhttp::write(stream_, go, ec);
      if (ec) return fail({400, "client went away"});
    }
    parser_.body_limit(limit);
    stream_.socket().requireRate(options_.bodyMinRate,
                                 std::chrono::milliseconds(options_.bodyRateGraceMs));
  }
  while (*n == 0 && !parser_.is_done()) {
    parser_.get().body().data = buf;
    parser_.get().body().size = cap;
    bhttp::read_some(stream_, buffer_, parser_, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return fail(bodyError(ec, limit));
    *n = cap - parser_.get().body().size;
  }
  return std::nullopt;
}

}  // namespace portico::http
