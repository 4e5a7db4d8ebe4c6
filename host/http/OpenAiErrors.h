/* SPDX-License-Identifier: Apache-2.0 */
// Error answers in OpenAI's shape on the paths OpenAI's SDKs call (http.openai_error_paths: the
// ai plugin's /ai/v1/ by default):
//   {"error": {"message": "...", "type": "invalid_request_error", "param": null, "code": null}}
// The SDKs read nothing else: given the host's own shape they show "400 status code (no body)".
// Every error on those paths is rewritten as it leaves, whoever made it: the host (a missing
// token, a body too large, no such route) or a plugin's HttpError. The request id stays in the
// X-Request-Id header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/Response.h"

namespace portico::config {
class Config;
}

namespace portico::http {

class OpenAiErrors {
 public:
  OpenAiErrors() = default;
  // Path prefixes, e.g. "/ai/v1/"; each must start with '/'.
  explicit OpenAiErrors(std::vector<std::string> prefixes) : prefixes_(std::move(prefixes)) {}
  // Throws config::ConfigError for a prefix that is not a path.
  static OpenAiErrors fromConfig(const config::Config& cfg);

  // Rewrites `response` when it is an error in the host's shape ({"status","message",...}) and
  // `path` is under one of the prefixes.
  void apply(std::string_view path, Response& response) const;

  static std::string body(int status, std::string_view message);

 private:
  std::vector<std::string> prefixes_;
};

}  // namespace portico::http
