// SPDX-License-Identifier: Apache-2.0
#include "http/Framing.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <string>

namespace portico::http {

namespace bhttp = boost::beast::http;
using boost::beast::iequals;

namespace {

std::optional<HttpError> checkTransferEncoding(const bhttp::request_header<>& head) {
  auto range = head.equal_range(bhttp::field::transfer_encoding);
  if (range.first == range.second) return std::nullopt;
  if (head.version() == 10) {
    return HttpError{400, "Transfer-Encoding is not defined for HTTP/1.0"};
  }
  if (std::next(range.first) != range.second) {
    return HttpError{400, "Transfer-Encoding must be given once"};
  }
  std::string first;
  std::string last;
  size_t count = 0;
  for (auto coding : bhttp::token_list{range.first->value()}) {
    last.assign(coding.data(), coding.size());
    if (count++ == 0) first = last;
  }
  if (count == 0) return HttpError{400, "Transfer-Encoding is empty"};
  if (!iequals(last, "chunked")) return HttpError{400, "Transfer-Encoding must end in chunked"};
  if (count > 1) {
    return HttpError{501, "transfer coding '" + first + "' is not supported (only chunked is)"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<HttpError> checkFraming(const bhttp::request_header<>& head) {
  auto hosts = head.count(bhttp::field::host);
  if (hosts > 1 || (hosts == 0 && head.version() == 11)) {
    return HttpError{400, "an HTTP/1.1 request needs exactly one Host field"};
  }
  if (auto bad = checkTransferEncoding(head)) return bad;
  auto expect = head.find(bhttp::field::expect);
  if (expect != head.end() && !iequals(expect->value(), "100-continue")) {
    return HttpError{417, "only 'Expect: 100-continue' is supported"};
  }
  return std::nullopt;
}

bool expectsContinue(const bhttp::request_header<>& head) {
  return head.version() == 11 && head.find(bhttp::field::expect) != head.end();
}

}  // namespace portico::http
