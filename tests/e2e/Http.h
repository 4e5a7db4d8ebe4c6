/* SPDX-License-Identifier: Apache-2.0 */
// Small HTTP helpers for tests: a real client over loopback, and raw sockets for bytes no
// well-behaved client would send.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "portico/json.hpp"

namespace Poco::Net {
class HTTPClientSession;
}

namespace e2e {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  portico::json::Value json() const { return portico::json::parse(body); }
};

Reply request(uint16_t port, const std::string& method, const std::string& path,
              const std::string& body = "", const std::map<std::string, std::string>& headers = {});
Reply get(uint16_t port, const std::string& path);
// One request on a session the caller holds (kept alive between calls; HTTPS too).
Reply exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
               const std::string& path, const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

class Porticod;
// An admin call with the instance's token (or `token` when given; "" sends no Authorization).
Reply admin(const Porticod& p, const std::string& method, const std::string& path,
            const std::string& body = "");
Reply adminWithToken(const Porticod& p, const std::string& token, const std::string& method,
                     const std::string& path);

// The value of one series of porticod's /metrics, named with its labels exactly as rendered
// (e.g. `portico_events_total{result="delivered"}`); -1 when the page has no such series.
double metric(uint16_t port, const std::string& series);

// Sends `bytes` on a fresh connection and returns what the server sends back: one whole
// response, or whatever arrived before it closed the connection or `timeoutMs` passed.
std::string rawExchange(uint16_t port, const std::string& bytes, int timeoutMs = 5000);
// Sends `bytes` on a fresh connection, then reads until the server closes the connection
// (`closed`) or `timeoutMs` passes.
struct Conversation {
  std::string received;
  bool closed = false;
};
Conversation rawUntilClose(uint16_t port, const std::string& bytes, int timeoutMs = 5000);
// Parses a raw HTTP/1.1 response (status line, headers, body).
Reply parseRaw(const std::string& raw);

std::string readFile(const std::string& path);

// Runs a shell command; returns {exit code, standard output}.
std::pair<int, std::string> runCommand(const std::string& command);

}  // namespace e2e
