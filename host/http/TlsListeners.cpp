// SPDX-License-Identifier: Apache-2.0
#include "http/TlsListeners.h"

#include "http/HttpServer.h"

namespace portico::http {

void TlsListeners::add(std::string name, HttpServer& server) {
  if (server.secure()) servers_.emplace_back(std::move(name), &server);
}

json::Value TlsListeners::describe() const {
  json::Array out;
  for (const auto& [name, server] : servers_) {
    auto certificate = server->tlsCertificate();
    if (!certificate) continue;
    out.push_back(json::object({{"listener", name},
                                {"serial", certificate->serial},
                                {"subject", certificate->subject},
                                {"not_after", certificate->notAfter}}));
  }
  return json::Value(std::move(out));
}

json::Value TlsListeners::reload(bool* allOk) {
  *allOk = true;
  json::Array out;
  for (const auto& [name, server] : servers_) {
    auto result = server->reloadTls();
    if (!result) continue;
    *allOk = *allOk && result->ok;
    out.push_back(
        json::object({{"listener", name}, {"ok", result->ok}, {"message", result->message}}));
  }
  return json::Value(std::move(out));
}

}  // namespace portico::http
