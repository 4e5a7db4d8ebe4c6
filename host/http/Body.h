// Reading request bodies under a size limit.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <cstdint>
#include <ostream>

#include "http/Exchange.h"

namespace portico::http {

// True when the request's headers announce a body (chunked, or a Content-Length above 0).
bool hasBody(const Poco::Net::HTTPServerRequest& request);

enum class BodyResult { Ok, TooLarge };

// Copies the body to `out`, refusing (before reading, when Content-Length says so) anything
// larger than `limit` bytes. Ok marks the exchange's body as read; after TooLarge the rest of
// the body is still on the wire and the server closes the connection.
BodyResult readBody(Poco::Net::HTTPServerRequest& request, uint64_t limit, std::ostream& out,
                    Exchange& exchange);

}  // namespace portico::http
