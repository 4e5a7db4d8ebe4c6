// SPDX-License-Identifier: Apache-2.0
#include "http/HttpsRedirect.h"

#include <string>

#include "http/ErrorResponse.h"

namespace portico::http {

namespace {

// The host part of a Host field: a name, an IPv4 address or a bracketed IPv6 one, without the
// port. Empty when it is anything else: a Location must not carry what a client made up.
std::string hostOf(std::string_view field) {
  std::string_view host = field;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return {};
    host = host.substr(0, close + 1);
  } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty() || host.size() > 253) return {};
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
    if (!ok) return {};
  }
  return std::string(host);
}

}  // namespace

void HttpsRedirect::handle(Request& request, Response& response, Exchange& exchange) {
  std::string host = hostOf(request.header("Host").value_or(""));
  std::string_view target = request.target();
  if (host.empty() || target.empty() || target.front() != '/') {
    return sendError(response, 400, "this listener redirects to HTTPS and needs a valid Host",
                     exchange.requestId);
  }
  std::string location = "https://" + host;
  if (tlsPort_ != 443) location += ":" + std::to_string(tlsPort_);
  location += target;
  response.status = 308;
  response.headers.emplace_back("Location", std::move(location));
  exchange.route = "https-redirect";
}

}  // namespace portico::http
