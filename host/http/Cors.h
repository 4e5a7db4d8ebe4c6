/* SPDX-License-Identifier: Apache-2.0 */
// Cross-origin requests from browsers (the Fetch standard's CORS protocol): which origins may
// call the API, the preflight the host answers for every route, and the headers an allowed
// origin's responses carry. Off until http.cors.allowed_origins names an origin.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/Request.h"
#include "http/Response.h"

namespace portico::config {
class Config;
}

namespace portico::http {

struct CorsOptions {
  // Exact origins ("https://app.example.com", no path) or "*" for any. "*" never goes with
  // credentials: the standard forbids it, and it would hand any site the user's cookies.
  std::vector<std::string> allowedOrigins;
  bool allowCredentials = false;
  std::string allowedHeaders;  // what a preflight allows a request to send
  std::string exposedHeaders;  // what a page may read of a response
  int maxAgeSeconds = 0;       // how long a browser may cache a preflight
  // Origins whose pages may open a WebSocket: push.allowed_origins, or when that is empty the
  // origins above.
  std::vector<std::string> webSocketOrigins;

  // http.cors.allowed_origins, .allow_credentials, .allowed_headers, .exposed_headers,
  // .max_age_s, push.allowed_origins; throws config::ConfigError for a malformed origin or "*"
  // with credentials.
  static CorsOptions fromConfig(const config::Config& cfg);
};

class Cors {
 public:
  explicit Cors(CorsOptions options) : options_(std::move(options)) {}

  // OPTIONS with Origin and Access-Control-Request-Method: a browser asking before the real call.
  static bool isPreflight(const Request& request);

  // Answers a preflight for a path whose routes allow `methods` ("GET, POST"): 204 with the
  // grant for an allowed origin, 403 otherwise.
  void preflight(const Request& request, std::string_view methods, std::string_view requestId,
                 Response& response) const;
  // Adds the grant to the response of an actual request from an allowed origin; nothing for
  // other origins or requests without Origin.
  void grant(const Request& request, Response& response) const;
  // Why a WebSocket upgrade may not be made (answered 403), or nothing. A browser opens a
  // WebSocket to any site a page asks it to, cookies and all, and CORS does not apply, so the
  // Origin it sends is the only word on whose page is asking. A client that sends no Origin is no
  // browser and passes; so does a page of the host's own origin (Origin's host is Host).
  std::optional<std::string> webSocketRefusal(const Request& upgrade) const;

 private:
  std::optional<std::string> allowedOrigin(std::string_view origin) const;
  void addGrant(const std::string& origin, Response& response) const;

  CorsOptions options_;
};

}  // namespace portico::http
