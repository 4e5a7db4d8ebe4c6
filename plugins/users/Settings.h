/* SPDX-License-Identifier: Apache-2.0 */
// The settings document (PUT /users/me/settings replaces it whole). Known keys only:
//   theme          "system" | "light" | "dark"
//   density        "comfortable" | "compact"
//   language       a BCP 47 tag
//   notifications  {"email": bool, "push": bool, "digest": "off" | "daily" | "weekly"}
//   beta_features  bool
// Every key is optional; anything else is a 400 naming it.
#pragma once

#include "portico/sdk.hpp"

namespace users_plugin {

constexpr size_t kMaxSettingsBytes = 4096;

// Throws portico::HttpError 400 naming the offending key ("notifications.push").
void validateSettings(const portico::json::Value& settings);

}  // namespace users_plugin
