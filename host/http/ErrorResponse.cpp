#include "http/ErrorResponse.h"

#include "portico/json.hpp"

namespace portico::http {

std::string errorBody(int status, std::string_view message, std::string_view requestId) {
  return json::object({{"status", status}, {"message", message}, {"request_id", requestId}}).dump();
}

void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("application/json");
  response.sendBuffer(body.data(), body.size());
}

void sendError(Poco::Net::HTTPServerResponse& response, int status, std::string_view message,
               std::string_view requestId) {
  sendJson(response, status, errorBody(status, message, requestId));
}

}  // namespace portico::http
