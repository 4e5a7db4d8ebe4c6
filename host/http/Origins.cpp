// SPDX-License-Identifier: Apache-2.0
#include "http/Origins.h"

#include <algorithm>

#include "common/IgnoreCase.h"
#include "config/Config.h"

namespace portico::http {

namespace {

// scheme "://" host [":" port], nothing after: what a browser sends as Origin.
bool isOrigin(std::string_view s) {
  size_t sep = s.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  std::string_view rest = s.substr(sep + 3);
  if (rest.empty()) return false;
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

}  // namespace

std::vector<std::string> readOrigins(const config::Config& cfg, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& origin : cfg.getList(key)) {
    std::string lower = common::toLowerAscii(origin);
    if (lower != "*" && !isOrigin(lower)) {
      throw config::ConfigError(key + ": '" + origin +
                                "' is not an origin (scheme://host[:port], no path)");
    }
    out.push_back(lower);
  }
  return out;
}

bool originListed(const std::vector<std::string>& allowed, std::string_view origin) {
  std::string lower = common::toLowerAscii(origin);
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return a == "*" || a == lower; });
}

}  // namespace portico::http
