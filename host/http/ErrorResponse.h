/* SPDX-License-Identifier: Apache-2.0 */
// The one JSON error shape every error response uses:
//   {"status": 404, "message": "no route for GET /x", "request_id": "..."}
#pragma once

#include <string>
#include <string_view>

#include "http/Response.h"

namespace portico::http {

std::string errorBody(int status, std::string_view message, std::string_view requestId);

// Makes the error the whole response (Content-Type application/json).
void sendError(Response& response, int status, std::string_view message,
               std::string_view requestId);

// An authentication or authorization refusal (401/403): the error, with the WWW-Authenticate
// challenge when there is one.
void sendRefusal(Response& response, int status, std::string_view message,
                 const std::string& challenge, std::string_view requestId);

// Makes a JSON document with the given status the whole response.
void sendJson(Response& response, int status, std::string body);

}  // namespace portico::http
