/* SPDX-License-Identifier: Apache-2.0 */
// bcrypt ($2b$) through libxcrypt. CPU-bound for a deliberately long time (cost 12: ~180 ms), so
// callers go through HashPool.
#pragma once

#include <string>
#include <string_view>

namespace auth_plugin {

// A new $2b$ hash of password with a fresh salt. Throws std::runtime_error if libxcrypt fails.
std::string bcryptHash(std::string_view password, int cost);
// Recomputes with hash's salt and cost and compares in constant time. False for malformed hashes.
bool bcryptVerify(std::string_view password, const std::string& hash);

}  // namespace auth_plugin
