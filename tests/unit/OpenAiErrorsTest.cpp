// SPDX-License-Identifier: Apache-2.0
// Error answers on OpenAI's paths take OpenAI's shape; nothing else changes.
#include <gtest/gtest.h>

#include "http/ErrorResponse.h"
#include "http/OpenAiErrors.h"
#include "portico/json.hpp"

using portico::http::OpenAiErrors;
using portico::http::Response;
namespace json = portico::json;

namespace {

Response hostError(int status, const std::string& message) {
  Response r;
  portico::http::sendError(r, status, message, "req-1");
  return r;
}

}  // namespace

TEST(OpenAiErrors, AHostShapedErrorOnACoveredPathIsRewritten) {
  OpenAiErrors errors({"/ai/v1/"});
  Response r = hostError(401, "this route needs a bearer token");
  errors.apply("/ai/v1/chat/completions", r);
  json::Value e = json::parse(r.body).at("error");
  EXPECT_EQ(e.at("message").as_string(), "this route needs a bearer token");
  EXPECT_EQ(e.at("type").as_string(), "authentication_error");
  EXPECT_EQ(e.at("code").as_string(), "invalid_api_key");
  EXPECT_TRUE(e.at("param").is_null());
  EXPECT_EQ(r.status, 401);

  Response busy = hostError(503, "draining");
  errors.apply("/ai/v1/models?x=1", busy);
  EXPECT_EQ(json::parse(busy.body).at("error").at("type").as_string(), "server_error");
}

TEST(OpenAiErrors, OtherPathsSuccessesAndOtherShapesAreLeftAlone) {
  OpenAiErrors errors({"/ai/v1/"});
  Response elsewhere = hostError(404, "no route");
  std::string before = elsewhere.body;
  errors.apply("/ai/jobs/x", elsewhere);
  EXPECT_EQ(elsewhere.body, before);

  Response ok;
  portico::http::sendJson(ok, 200, R"({"message":"fine"})");
  errors.apply("/ai/v1/models", ok);
  EXPECT_EQ(ok.body, R"({"message":"fine"})");

  Response already;
  portico::http::sendJson(already, 400, OpenAiErrors::body(400, "bad"));
  std::string shaped = already.body;
  errors.apply("/ai/v1/chat/completions", already);
  EXPECT_EQ(already.body, shaped);

  Response text;
  text.status = 500;
  text.set("Content-Type", "text/plain");
  text.body = "oops";
  errors.apply("/ai/v1/x", text);
  EXPECT_EQ(text.body, "oops");
}
