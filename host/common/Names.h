/* SPDX-License-Identifier: Apache-2.0 */
// Names the host accepts from config, plugins and clients (plugin names, key ids, event topics,
// request ids): one check, each caller naming its length limit and its characters.
#pragma once

#include <algorithm>
#include <string_view>

namespace portico::common {

enum Letters : unsigned { kLower = 1u, kUpper = 2u, kDigits = 4u };

// True when s has 1 to max characters, each an ASCII letter or digit of the `letters` classes or
// one of `extra`.
inline bool isName(std::string_view s, size_t max, unsigned letters, std::string_view extra = "") {
  if (s.empty() || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) {
    return ((letters & kLower) && c >= 'a' && c <= 'z') ||
           ((letters & kUpper) && c >= 'A' && c <= 'Z') ||
           ((letters & kDigits) && c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
  });
}

// A plugin name: 1 to 64 characters of [a-z0-9_-] (safe as a file name and a metrics label).
inline bool isPluginName(std::string_view s) {
  return isName(s, 64, kLower | kDigits, "_-");
}

}  // namespace portico::common
