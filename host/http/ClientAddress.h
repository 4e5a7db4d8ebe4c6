/* SPDX-License-Identifier: Apache-2.0 */
// Who is on the other end of a request, seen through trusted reverse proxies (nginx).
#pragma once

#include <string>
#include <vector>

#include "http/Request.h"

namespace portico::http {

// The peer's IP; when the peer is one of `trustedProxies` (IP texts, e.g. "127.0.0.1"), the
// right-most X-Forwarded-For entry that is not itself a trusted proxy: entries left of it were
// written by the client and prove nothing. Several X-Forwarded-For fields count as one list.
std::string clientIp(const Request& request, const std::vector<std::string>& trustedProxies);

// "https" when the request came over TLS here, or from a trusted proxy whose X-Forwarded-Proto
// says https (its last entry: the one the nearest proxy wrote); "http" otherwise.
std::string_view clientScheme(const Request& request,
                              const std::vector<std::string>& trustedProxies);

}  // namespace portico::http
