/* SPDX-License-Identifier: Apache-2.0 */
// The paths porticod answers itself on the public listener, with their methods: one list for
// the guard that keeps plugins off them, for CORS preflights and for 405 answers.
#pragma once

#include <string_view>

namespace portico::http {

inline constexpr std::string_view kPushTicketPath = "/push/ticket";
inline constexpr std::string_view kPushStreamPath = "/push/me";

struct HostPath {
  std::string_view path;
  std::string_view methods;  // as the Allow header lists them
};

inline constexpr HostPath kHostPaths[] = {
    {"/health", "GET, HEAD"},  {"/ready", "GET, HEAD"},  {"/metrics", "GET, HEAD"},
    {kPushTicketPath, "POST"}, {kPushStreamPath, "GET"},
};

// The host's entry for `path`, or nullptr when plugins' routes decide.
inline const HostPath* findHostPath(std::string_view path) {
  for (const HostPath& own : kHostPaths) {
    if (own.path == path) return &own;
  }
  return nullptr;
}

// Whether `method` is one of those `own` lists.
inline bool allowsMethod(const HostPath& own, std::string_view method) {
  for (std::string_view rest = own.methods; !rest.empty();) {
    size_t comma = rest.find(", ");
    if (rest.substr(0, comma) == method) return true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  return false;
}

}  // namespace portico::http
