/* SPDX-License-Identifier: Apache-2.0 */
// The listeners of this process that speak TLS, by name, for what reloads their certificates
// (SIGHUP, POST /admin/tls/reload) and what shows them (GET /admin/tls).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "portico/json.hpp"

namespace portico::http {

class HttpServer;

class TlsListeners {
 public:
  // Plain listeners are skipped; `server` must outlive this.
  void add(std::string name, HttpServer& server);
  bool empty() const { return servers_.empty(); }

  // Each listener's certificate: [{listener, serial, subject, not_after}].
  json::Value describe() const;
  // Reloads every one; [{listener, ok, message}]; *allOk false if any was refused.
  json::Value reload(bool* allOk);

 private:
  std::vector<std::pair<std::string, HttpServer*>> servers_;
};

}  // namespace portico::http
