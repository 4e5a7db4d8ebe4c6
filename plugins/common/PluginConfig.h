/* SPDX-License-Identifier: Apache-2.0 */
// Reading a plugin's own integer settings (plugin.<name>.<key>) strictly: a value that is not an
// integer in range fails the plugin's init with a message naming the key, instead of silently
// turning into 0.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "portico/sdk.hpp"

namespace portico::common {

// text as an integer in [min, max]; std::runtime_error naming `key` otherwise.
inline int64_t parseConfigInt(const std::string& key, const std::string& text, int64_t min,
                              int64_t max) {
  size_t used = 0;
  int64_t v = 0;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < min || v > max) {
    throw std::runtime_error("config " + key + " = '" + text + "' must be an integer in [" +
                             std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

inline int64_t configInt(const Host& host, const std::string& key, int64_t fallback, int64_t min,
                         int64_t max) {
  auto text = host.config(key);
  return text ? parseConfigInt(key, *text, min, max) : fallback;
}

}  // namespace portico::common
