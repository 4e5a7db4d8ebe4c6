/* SPDX-License-Identifier: Apache-2.0 */
// Where one plugin may send HTTP requests: plugin.<name>.outbound.allow, a comma-separated list
// of [scheme://]host[:port] entries. Default deny. A host may start with "*." (any subdomain, not
// the domain itself); a port may be "*", and without one only the scheme's default port is
// allowed. Without a scheme an entry allows https only, except for
// loopback hosts (127.0.0.1, ::1, localhost), which are allowed over http too: plain text leaves
// the machine only where the operator wrote "http://".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::outbound {

// A destination as a URL names it, lower-cased host, port filled in from the scheme.
struct Destination {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;
  // "https://api.example.com:443": the circuit breaker's and the metrics' key.
  std::string key() const;
};

class AllowList {
 public:
  // Throws std::invalid_argument naming the entry that does not parse.
  static AllowList parse(std::string_view list);

  bool allows(const Destination& destination) const;
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    std::optional<std::string> scheme;  // none: https, or http too for loopback hosts
    std::string host;                   // "*.example.net" or an exact name
    std::optional<int> port;            // none: the destination scheme's default port
    bool anyPort = false;               // ":*"
    bool hostMatches(std::string_view host) const;
  };
  std::vector<Entry> entries_;
};

bool isLoopbackHost(std::string_view host);

}  // namespace portico::outbound
