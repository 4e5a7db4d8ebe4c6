// Reading request bodies under a size limit.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <cstdint>
#include <ostream>

namespace portico::http {

// True when the request carries a body that has not been read yet.
bool hasBody(const Poco::Net::HTTPServerRequest& request);

enum class BodyResult { Ok, TooLarge };

// Copies the body to `out`, refusing (before reading, when Content-Length says so) anything
// larger than `limit` bytes. After TooLarge the connection must be closed: the rest of the body
// is still on the wire.
BodyResult readBody(Poco::Net::HTTPServerRequest& request, uint64_t limit, std::ostream& out);

}  // namespace portico::http
