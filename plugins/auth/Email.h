/* SPDX-License-Identifier: Apache-2.0 */
// Email addresses as account names: trimmed, lower-cased, and checked against a conservative
// subset of RFC 5321 (ASCII only; internationalised addresses are refused with a clear message).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auth_plugin {

// The normalised address, or nullopt with *why saying what is wrong.
std::optional<std::string> normaliseEmail(std::string_view raw, std::string* why);

}  // namespace auth_plugin
