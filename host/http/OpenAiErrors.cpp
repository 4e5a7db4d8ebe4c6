// SPDX-License-Identifier: Apache-2.0
#include "http/OpenAiErrors.h"

#include <algorithm>

#include "config/Config.h"
#include "portico/json.hpp"

namespace portico::http {

OpenAiErrors OpenAiErrors::fromConfig(const config::Config& cfg) {
  std::vector<std::string> prefixes = cfg.getList("http.openai_error_paths");
  for (const auto& p : prefixes) {
    if (p.empty() || p.front() != '/') {
      throw config::ConfigError("http.openai_error_paths: '" + p + "' is not a path (/...)");
    }
  }
  return OpenAiErrors(std::move(prefixes));
}

namespace {

// OpenAI's words for what went wrong; its SDKs choose their error classes by status alone.
std::pair<const char*, const char*> typeAndCode(int status) {
  switch (status) {
    case 401:
      return {"authentication_error", "invalid_api_key"};
    case 403:
      return {"permission_error", nullptr};
    case 404:
      return {"not_found_error", nullptr};
    case 429:
      return {"rate_limit_error", "rate_limit_exceeded"};
    default:
      return {status >= 500 ? "server_error" : "invalid_request_error", nullptr};
  }
}

}  // namespace

std::string OpenAiErrors::body(int status, std::string_view message) {
  auto [type, code] = typeAndCode(status);
  json::Value error = json::object({{"message", message}, {"type", type}, {"param", nullptr}});
  error.set("code", code == nullptr ? json::Value(nullptr) : json::Value(code));
  return json::object({{"error", std::move(error)}}).dump();
}

void OpenAiErrors::apply(std::string_view path, Response& response) const {
  if (response.status < 400 || response.stream) return;
  bool covered = std::any_of(prefixes_.begin(), prefixes_.end(),
                             [&](const std::string& p) { return path.substr(0, p.size()) == p; });
  if (!covered) return;
  const std::string* type = response.value("Content-Type");
  if (type == nullptr || type->rfind("application/json", 0) != 0) return;
  json::Value doc;
  try {
    doc = json::parse(response.body);
  } catch (const std::exception&) {
    return;
  }
  const json::Value* message = doc.find("message");
  if (doc.find("error") != nullptr || message == nullptr || !message->is_string()) return;
  response.body = body(response.status, message->as_string());
}

}  // namespace portico::http
