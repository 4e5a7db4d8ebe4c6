/* SPDX-License-Identifier: Apache-2.0 */
// Request ids: taken from a well-formed incoming X-Request-Id (so nginx's id flows through),
// otherwise generated.
#pragma once

#include <string>
#include <string_view>

namespace portico::http {

// True for 1..64 characters of [A-Za-z0-9._-]: safe to echo in headers and logs.
bool isValidRequestId(std::string_view id);

// 16 random hex digits.
std::string newRequestId();

}  // namespace portico::http
