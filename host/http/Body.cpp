#include "http/Body.h"

#include <istream>

namespace portico::http {

bool hasBody(const Poco::Net::HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() ||
         (request.hasContentLength() && request.getContentLength64() > 0);
}

BodyResult readBody(Poco::Net::HTTPServerRequest& request, uint64_t limit, std::ostream& out,
                    Exchange& exchange) {
  if (!hasBody(request)) return BodyResult::Ok;
  if (request.hasContentLength() && static_cast<uint64_t>(request.getContentLength64()) > limit) {
    return BodyResult::TooLarge;
  }
  std::istream& in = request.stream();
  char buf[16 * 1024];
  uint64_t total = 0;
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    total += static_cast<uint64_t>(n);
    if (total > limit) return BodyResult::TooLarge;
    out.write(buf, n);
  }
  exchange.bodyRead = true;
  return BodyResult::Ok;
}

}  // namespace portico::http
