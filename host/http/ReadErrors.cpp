// SPDX-License-Identifier: Apache-2.0
#include "http/ReadErrors.h"

#include <boost/beast/http/error.hpp>

#include <string>
#include <string_view>

namespace portico::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

bool isHttpParseError(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

}  // namespace

std::optional<HttpError> headError(const beast::error_code& ec, const beast::flat_buffer& buffer,
                                   bool requestLineParsed) {
  // The first line of what arrived is the request line (or the start of it).
  std::string_view received(static_cast<const char*>(buffer.data().data()), buffer.size());
  size_t lineEnd = received.find('\n');
  if (ec == beast::error::timeout) return HttpError{408, "request head not received in time"};
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    // Beast counts the request line into the head's limit; a limit hit before the line ended
    // means the target itself is too long (RFC 9110 15.5.15), one after it a header field.
    if (!requestLineParsed && lineEnd == std::string_view::npos) {
      return HttpError{414, "request target too long"};
    }
    return HttpError{431, "request header fields too large"};
  }
  if (ec == bhttp::error::bad_version) {
    // Beast accepts 1.0 and 1.1 only; a well-formed request line of another version gets 505.
    std::string_view line = received.substr(0, lineEnd);
    if (line.size() > 10 && line.back() == '\r') {
      std::string_view v = line.substr(line.size() - 10, 9);  // " HTTP/d.d"
      auto digit = [](char c) { return c >= '0' && c <= '9'; };
      if (v.substr(0, 6) == " HTTP/" && digit(v[6]) && v[7] == '.' && digit(v[8])) {
        return HttpError{505, "HTTP/" + std::string(v.substr(6)) +
                                  " is not supported (HTTP/1.1 and HTTP/1.0 are)"};
      }
    }
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return std::nullopt;
  if (isHttpParseError(ec)) return HttpError{400, "malformed request: " + ec.message()};
  return std::nullopt;  // reset, broken pipe: nobody left to answer
}

HttpError bodyError(const beast::error_code& ec, uint64_t limit) {
  if (ec == bhttp::error::body_limit) {
    return {413, "request body exceeds the " + std::to_string(limit) + " bytes allowed"};
  }
  if (ec == beast::error::timeout) return {408, "request body arrived too slowly"};
  if (ec == bhttp::error::partial_message) return {400, "request body ended early"};
  return {400, "malformed request body: " + ec.message()};
}

}  // namespace portico::http
