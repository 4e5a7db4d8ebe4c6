/* SPDX-License-Identifier: Apache-2.0 */
// Parsing of the request target (the URI in the request line) into a safe, decoded path.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::http {

struct RequestTarget {
  std::string path;                   // decoded, "/" + segments joined by "/"
  std::vector<std::string> segments;  // each percent-decoded on its own, so %2F stays inside one
  std::string query;                  // raw, without '?'
};

// Parses an origin-form target ("/a/b?x=1"). Returns an error message for anything a router
// should never see: no leading '/', bad percent-encoding, NUL bytes, "." or ".." segments.
std::optional<std::string> parseTarget(std::string_view target, RequestTarget& out);

// Decodes %XX escapes (and '+' as space when asked). False on a malformed escape.
bool percentDecode(std::string_view in, std::string& out, bool plusAsSpace);

// First value of `name` in an application/x-www-form-urlencoded query string, decoded.
std::optional<std::string> queryParam(std::string_view query, std::string_view name);

}  // namespace portico::http
