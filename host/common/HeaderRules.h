/* SPDX-License-Identifier: Apache-2.0 */
// What a plugin may put in a header, for the responses it writes and the requests it sends.
#pragma once

#include <string_view>

#include "common/IgnoreCase.h"

namespace portico::common {

// An RFC 9110 token: what a header name must be.
inline bool isHeaderToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// A value that cannot end its line early: no CR, LF or NUL.
inline bool isSafeHeaderValue(std::string_view v) {
  return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers that frame the message belong to whoever writes it on the wire (the host's server, the
// HTTP client): a plugin setting them could split or truncate the message.
inline bool isFramingHeader(std::string_view name) {
  static const char* const framing[] = {"content-length", "transfer-encoding", "connection",
                                        "keep-alive",     "upgrade",           "te",
                                        "trailer"};
  for (const char* f : framing) {
    if (equalsIgnoreCase(name, f)) return true;
  }
  return false;
}

}  // namespace portico::common
