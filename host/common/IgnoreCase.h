/* SPDX-License-Identifier: Apache-2.0 */
// ASCII case-insensitive equality, for protocol tokens (header names, "Bearer", codings).
#pragma once

#include <string>
#include <string_view>

namespace portico::common {

inline char toLowerAscii(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// Host names, schemes and header names compare in lower case; locale-free.
inline std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = toLowerAscii(c);
  return out;
}

inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (toLowerAscii(a[i]) != toLowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace portico::common
