// SPDX-License-Identifier: Apache-2.0
// A whole file into a string (binary), or none when it cannot be opened.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace portico::common {

inline std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace portico::common
