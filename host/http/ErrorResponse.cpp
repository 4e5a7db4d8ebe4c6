// SPDX-License-Identifier: Apache-2.0
#include "http/ErrorResponse.h"

#include "portico/json.hpp"

namespace portico::http {

std::string errorBody(int status, std::string_view message, std::string_view requestId) {
  return json::object({{"status", status}, {"message", message}, {"request_id", requestId}}).dump();
}

void sendRefusal(Response& response, int status, std::string_view message,
                 const std::string& challenge, std::string_view requestId) {
  if (!challenge.empty()) response.set("WWW-Authenticate", challenge);
  sendError(response, status, message, requestId);
}

void sendJson(Response& response, int status, std::string body) {
  response.status = status;
  response.set("Content-Type", "application/json");
  response.body = std::move(body);
}

void sendError(Response& response, int status, std::string_view message,
               std::string_view requestId) {
  sendJson(response, status, errorBody(status, message, requestId));
}

}  // namespace portico::http
