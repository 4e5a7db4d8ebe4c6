// The one JSON error shape every error response uses:
//   {"status": 404, "message": "no route for GET /x", "request_id": "..."}
#pragma once

#include <Poco/Net/HTTPServerResponse.h>

#include <string>
#include <string_view>

namespace portico::http {

std::string errorBody(int status, std::string_view message, std::string_view requestId);

// Sends the error as the whole response (Content-Type application/json).
void sendError(Poco::Net::HTTPServerResponse& response, int status, std::string_view message,
               std::string_view requestId);

// Sends a JSON document with the given status.
void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body);

}  // namespace portico::http
