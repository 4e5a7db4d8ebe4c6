// SPDX-License-Identifier: Apache-2.0
#include "ProfileFields.h"

#include <cctype>

namespace users_plugin {
namespace {

using portico::HttpError;

[[noreturn]] void bad(const char* field, const std::string& why) {
  throw HttpError(400, std::string("field '") + field + "': " + why);
}

bool hasControl(const std::string& s, bool newlineOk) {
  for (unsigned char c : s) {
    if ((c < 0x20 && !(newlineOk && c == '\n')) || c == 0x7f) return true;
  }
  return false;
}

std::string trimmed(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Counts UTF-8 code points; the JSON parser has already refused malformed UTF-8.
size_t characters(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool isHttpsUrl(const std::string& url) {
  const std::string scheme = "https://";
  if (url.compare(0, scheme.size(), scheme) != 0 || url.size() == scheme.size()) return false;
  for (unsigned char c : url) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  }
  char first = url[scheme.size()];
  return first != '/' && first != '@' && first != ':';
}

bool isTimeZoneName(const std::string& tz) {
  if (tz.empty() || tz.size() > 64 || tz.front() == '/' || tz.back() == '/' ||
      tz.find("..") != std::string::npos) {
    return false;
  }
  for (unsigned char c : tz) {
    if (!std::isalnum(c) && c != '/' && c != '_' && c != '-' && c != '+') return false;
  }
  return true;
}

}  // namespace

bool isLocaleTag(const std::string& tag) {
  if (tag.empty() || tag.size() > 35) return false;
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    size_t dash = tag.find('-', start);
    std::string part =
        tag.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
    if (first) {
      if (part.size() < 2 || part.size() > 3) return false;
      for (unsigned char c : part)
        if (!std::islower(c)) return false;
    } else {
      if (part.size() < 2 || part.size() > 8) return false;
      for (unsigned char c : part)
        if (!std::isalnum(c)) return false;
    }
    first = false;
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return true;
}

ProfilePatch readProfilePatch(const portico::Input& body) {
  ProfilePatch patch;
  if (auto name = body.find("display_name")) {
    std::string t = trimmed(name->as_string(256));
    if (t.empty() || characters(t) > 64) bad("display_name", "must be 1 to 64 characters");
    if (hasControl(t, false)) bad("display_name", "must not contain control characters");
    patch.displayName = t;
  }
  if (auto avatar = body.find("avatar_url")) {
    patch.setAvatar = true;
    if (!avatar->is_null()) {
      const std::string& url = avatar->as_string(2048);
      if (!isHttpsUrl(url)) bad("avatar_url", "must be an https:// URL or null");
      patch.avatarUrl = url;
    }
  }
  if (auto bio = body.find("bio")) {
    if (hasControl(bio->as_string(500), true)) bad("bio", "must not contain control characters");
    patch.bio = bio->as_string();
  }
  if (auto locale = body.find("locale")) {
    if (!isLocaleTag(locale->as_string(35))) {
      bad("locale", "must be a BCP 47 tag such as 'en' or 'pt-BR'");
    }
    patch.locale = locale->as_string();
  }
  if (auto tz = body.find("time_zone")) {
    if (!isTimeZoneName(tz->as_string(64))) {
      bad("time_zone", "must be an IANA zone name such as 'Europe/Berlin'");
    }
    patch.timeZone = tz->as_string();
  }
  return patch;
}

}  // namespace users_plugin
