/* SPDX-License-Identifier: Apache-2.0 */
// Lists of browser origins a setting allows (http.cors.allowed_origins, push.allowed_origins).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::config {
class Config;
}

namespace portico::http {

// The origins of setting `key`, lower-cased: each scheme://host[:port] (no path) or "*" for any.
// Throws config::ConfigError naming the entry that is not an origin.
std::vector<std::string> readOrigins(const config::Config& cfg, const std::string& key);

// Whether `origin` is in `allowed` (compared without case); "*" allows any.
bool originListed(const std::vector<std::string>& allowed, std::string_view origin);

}  // namespace portico::http
