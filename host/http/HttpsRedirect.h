/* SPDX-License-Identifier: Apache-2.0 */
// The plain listener beside a TLS one (http.tls.plain = redirect): every request is sent to the
// same host and target over HTTPS with 308, which keeps the method and body of a POST.
#pragma once

#include <cstdint>

#include "http/Exchange.h"

namespace portico::http {

class HttpsRedirect : public Handler {
 public:
  explicit HttpsRedirect(uint16_t tlsPort) : tlsPort_(tlsPort) {}
  void handle(Request& request, Response& response, Exchange& exchange) override;

 private:
  uint16_t tlsPort_;
};

}  // namespace portico::http
