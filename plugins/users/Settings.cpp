// SPDX-License-Identifier: Apache-2.0
#include "Settings.h"

#include <initializer_list>

#include "ProfileFields.h"

namespace users_plugin {
namespace {

using portico::HttpError;
using portico::json::Value;

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  throw HttpError(400, "settings key '" + key + "' " + why);
}

void oneOf(const std::string& key, const Value& v, std::initializer_list<const char*> allowed) {
  if (v.is_string()) {
    for (const char* a : allowed) {
      if (v.as_string() == a) return;
    }
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  bad(key, "must be one of " + list);
}

void boolean(const std::string& key, const Value& v) {
  if (!v.is_bool()) bad(key, "must be true or false");
}

void notifications(const Value& v) {
  if (!v.is_object()) bad("notifications", "must be an object");
  for (const auto& [key, value] : v.as_object()) {
    std::string path = "notifications." + key;
    if (key == "email" || key == "push") {
      boolean(path, value);
    } else if (key == "digest") {
      oneOf(path, value, {"off", "daily", "weekly"});
    } else {
      bad(path, "is not a known setting");
    }
  }
}

}  // namespace

void validateSettings(const Value& settings) {
  if (!settings.is_object()) throw HttpError(400, "settings must be a JSON object");
  for (const auto& [key, value] : settings.as_object()) {
    if (key == "theme") {
      oneOf(key, value, {"system", "light", "dark"});
    } else if (key == "density") {
      oneOf(key, value, {"comfortable", "compact"});
    } else if (key == "language") {
      if (!value.is_string() || !isLocaleTag(value.as_string()))
        bad(key, "must be a BCP 47 tag such as 'en' or 'pt-BR'");
    } else if (key == "notifications") {
      notifications(value);
    } else if (key == "beta_features") {
      boolean(key, value);
    } else {
      bad(key, "is not a known setting");
    }
  }
}

}  // namespace users_plugin
