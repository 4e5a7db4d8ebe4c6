// Who is on the other end of a request, seen through trusted reverse proxies (nginx).
#pragma once

#include <Poco/Net/HTTPServerRequest.h>

#include <string>
#include <vector>

namespace portico::http {

// The peer's IP; when the peer is one of `trustedProxies` (IP texts, e.g. "127.0.0.1"), the
// right-most X-Forwarded-For entry that is not itself a trusted proxy: entries left of it were
// written by the client and prove nothing.
std::string clientIp(const Poco::Net::HTTPServerRequest& request,
                     const std::vector<std::string>& trustedProxies);

}  // namespace portico::http
