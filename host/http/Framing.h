/* SPDX-License-Identifier: Apache-2.0 */
// The framing rules of RFC 9112 that Beast's parser leaves to the server, checked on a parsed
// request head before anything is served. Beast itself refuses Content-Length together with
// Transfer-Encoding, differing or malformed lengths, bad chunks, whitespace before a colon,
// control characters in fields and versions other than 1.0 and 1.1.
#pragma once

#include <boost/beast/http/message.hpp>
#include <optional>

#include "http/Response.h"

namespace portico::http {

// Nothing, or the error to answer with before closing the connection: 400 for a missing or
// repeated Host (1.1), any Transfer-Encoding on 1.0, a transfer coding list not ending in
// chunked; 501 for codings before chunked (none is implemented); 417 for an Expect other than
// 100-continue.
std::optional<HttpError> checkFraming(const boost::beast::http::request_header<>& head);

// True when the client waits for "100 Continue" before sending its body.
bool expectsContinue(const boost::beast::http::request_header<>& head);

}  // namespace portico::http
