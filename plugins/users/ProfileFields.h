/* SPDX-License-Identifier: Apache-2.0 */
// The fields of a profile a user may change, each validated with a 400 that names it:
//   display_name  1-64 characters, no control characters, trimmed
//   avatar_url    an https URL of at most 2048 bytes, or null to remove it
//   bio           at most 500 bytes, no control characters but newline
//   locale        a BCP 47 tag such as "en", "pt-BR", "zh-Hant-TW"
//   time_zone     an IANA zone name PostgreSQL knows ("Europe/Berlin")
#pragma once

#include <optional>
#include <string>

#include "portico/input.hpp"

namespace users_plugin {

struct ProfilePatch {
  std::optional<std::string> displayName;
  bool setAvatar = false;
  std::optional<std::string> avatarUrl;  // with setAvatar: nullopt removes it
  std::optional<std::string> bio;
  std::optional<std::string> locale;
  std::optional<std::string> timeZone;  // checked against pg_timezone_names by the caller
};

// Throws portico::HttpError 400 naming the first bad field.
ProfilePatch readProfilePatch(const portico::Input& body);

// The BCP 47 shape check shared with the settings document.
bool isLocaleTag(const std::string& tag);

}  // namespace users_plugin
