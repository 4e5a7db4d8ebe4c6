#include "http/BodyStream.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <string>

#include "http/ReadErrors.h"

namespace portico::http {

namespace bhttp = boost::beast::http;

std::optional<HttpError> BodyStream::read(uint64_t limit, std::ostream& out) {
  if (failed_) return HttpError{400, "request body could not be read"};
  if (parser_.is_done()) return std::nullopt;
  auto length = parser_.content_length();
  if (length && *length > limit)
    return fail({413, "request body of " + std::to_string(*length) + " bytes exceeds the " +
                          std::to_string(limit) + " allowed"});
  boost::beast::error_code ec;
  if (expectContinue_) {
    expectContinue_ = false;
    bhttp::response<bhttp::empty_body> go{bhttp::status::continue_, 11};
    bhttp::write(stream_, go, ec);
    if (ec) return fail({400, "client went away"});
  }
  parser_.body_limit(limit);
  stream_.requireRate(options_.bodyMinRate, std::chrono::milliseconds(options_.bodyRateGraceMs));
  char chunk[16 * 1024];
  while (!parser_.is_done()) {
    parser_.get().body().data = chunk;
    parser_.get().body().size = sizeof chunk;
    bhttp::read(stream_, buffer_, parser_, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) return fail(bodyError(ec, limit));
    out.write(chunk, static_cast<std::streamsize>(sizeof chunk - parser_.get().body().size));
  }
  return std::nullopt;
}

}  // namespace portico::http
