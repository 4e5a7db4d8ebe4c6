/* SPDX-License-Identifier: Apache-2.0 */
// What a client is told when its request could not be read: the status and message for a head
// or a body that failed to parse, arrived too slowly or was too large.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <cstdint>
#include <optional>

#include "http/Response.h"

namespace portico::http {

// The answer to a head that could not be read, or nothing when the client simply left.
// `buffer` holds what arrived of the head and the parser has not consumed; `requestLineParsed`
// says whether the parser had already taken the request line out of it.
std::optional<HttpError> headError(const boost::beast::error_code& ec,
                                   const boost::beast::flat_buffer& buffer, bool requestLineParsed);

HttpError bodyError(const boost::beast::error_code& ec, uint64_t limit);

}  // namespace portico::http
