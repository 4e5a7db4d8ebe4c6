/* SPDX-License-Identifier: Apache-2.0 */
// What a new password must be: 10 to 72 bytes (bcrypt reads no further, and we refuse rather
// than silently ignore the rest), no NUL, not the email or its local part, not a common password.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auth_plugin {

// nullopt when acceptable, else the reason (for a 400 naming the field).
std::optional<std::string> checkPassword(std::string_view password, std::string_view email);

}  // namespace auth_plugin
