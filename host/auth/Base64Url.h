/* SPDX-License-Identifier: Apache-2.0 */
// base64url without padding (RFC 4648 section 5), the encoding of every part of a JWT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portico::auth {

std::string base64UrlEncode(std::string_view bytes);

// Strict: refuses padding, whitespace, characters outside the url-safe alphabet and lengths no
// encoder produces, so one token has exactly one spelling.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace portico::auth
