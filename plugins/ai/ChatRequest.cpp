// SPDX-License-Identifier: Apache-2.0
#include "ChatRequest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace ai_plugin {

namespace json = portico::json;
using portico::HttpError;
using portico::Input;

namespace {

size_t textBytes(const Input& content) {
  if (content.is_null()) return 0;
  if (content.is_string()) return content.as_string().size();
  size_t n = 0;
  for (const Input& part : content.items(256)) {
    part.only({"type", "text", "image_url", "input_audio"});
    const std::string& type = part.at("type").as_string(32);
    if (type == "text") {
      n += part.at("text").as_string().size();
    } else if (type != "image_url" && type != "input_audio") {
      throw HttpError(400,
                      "field '" + part.path() + ".type' must be text, image_url or input_audio");
    }
  }
  return n;
}

void checkMessage(const Input& m, size_t* bytes) {
  m.only({"role", "content", "name", "tool_calls", "tool_call_id", "refusal"});
  const std::string& role = m.at("role").as_string(16);
  if (role != "system" && role != "developer" && role != "user" && role != "assistant" &&
      role != "tool") {
    throw HttpError(
        400, "field '" + m.path() + ".role' must be system, developer, user, assistant or tool");
  }
  if (auto name = m.find("name")) name->as_string(64);
  if (auto id = m.find("tool_call_id")) id->as_string(256);
  if (auto calls = m.find("tool_calls")) calls->items(128);
  std::optional<Input> content = m.find("content");
  bool mayBeEmpty = role == "assistant" && m.has("tool_calls");
  if (!content || (content->is_null() && !mayBeEmpty)) {
    throw HttpError(400, "field '" + m.path() + ".content' is required");
  }
  if (!content->is_null() && !content->is_string() && !content->is_array()) {
    throw HttpError(400, "field '" + content->path() + "' must be a string or an array of parts");
  }
  *bytes += textBytes(*content);
}

std::string hex(const unsigned char* data, size_t n) {
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) std::snprintf(&out[i * 2], 3, "%02x", data[i]);
  return out;
}

}  // namespace

ChatRequest parseChat(const Input& body, size_t maxPromptBytes) {
  body.only({"model",
             "messages",
             "stream",
             "stream_options",
             "temperature",
             "top_p",
             "max_tokens",
             "max_completion_tokens",
             "stop",
             "presence_penalty",
             "frequency_penalty",
             "seed",
             "n",
             "response_format",
             "tools",
             "tool_choice",
             "parallel_tool_calls",
             "logit_bias",
             "logprobs",
             "top_logprobs",
             "user"});
  ChatRequest r;
  r.model = body.at("model").as_string(64);
  for (const Input& m : body.at("messages").items(1024)) checkMessage(m, &r.promptBytes);
  if (body.at("messages").items().empty()) {
    throw HttpError(400, "field 'messages' must hold at least one message");
  }
  if (r.promptBytes > maxPromptBytes) {
    throw HttpError(413, "the messages hold " + std::to_string(r.promptBytes) +
                             " bytes of text; at most " + std::to_string(maxPromptBytes) +
                             " are accepted");
  }
  r.messages = body.at("messages").value();
  if (auto s = body.find("stream")) r.stream = s->as_bool();
  if (auto o = body.find("stream_options")) {
    o->only({"include_usage"});
    if (auto u = o->find("include_usage")) r.includeUsage = u->as_bool();
  }

  json::Value params = json::object({});
  auto number = [&](const char* name, double min, double max) {
    if (auto v = body.find(name)) params.set(name, v->as_double(min, max));
  };
  number("temperature", 0, 2);
  number("top_p", 0, 1);
  number("presence_penalty", -2, 2);
  number("frequency_penalty", -2, 2);
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    if (auto v = body.find(name)) r.maxTokens = v->as_int(1, 1 << 24);
  }
  if (auto v = body.find("seed")) params.set("seed", v->as_int());
  if (auto v = body.find("n")) v->as_int(1, 1);  // one choice: what is streamed and cached
  if (auto v = body.find("stop")) {
    if (v->is_string()) {
      v->as_string(256);
    } else {
      for (const Input& s : v->items(4)) s.as_string(256);
    }
    params.set("stop", v->value());
  }
  if (auto v = body.find("response_format")) {
    v->at("type").as_string(32);
    params.set("response_format", v->value());
  }
  if (auto v = body.find("tools")) {
    for (const Input& t : v->items(128)) t.at("type").as_string(32);
    params.set("tools", v->value());
  }
  if (auto v = body.find("tool_choice")) {
    if (!v->is_string() && !v->is_object()) {
      throw HttpError(400, "field 'tool_choice' must be a string or an object");
    }
    params.set("tool_choice", v->value());
  }
  if (auto v = body.find("parallel_tool_calls")) params.set("parallel_tool_calls", v->as_bool());
  if (auto v = body.find("logit_bias")) {
    if (!v->is_object()) throw HttpError(400, "field 'logit_bias' must be an object");
    params.set("logit_bias", v->value());
  }
  if (auto v = body.find("logprobs")) params.set("logprobs", v->as_bool());
  if (auto v = body.find("top_logprobs")) params.set("top_logprobs", v->as_int(0, 20));
  if (auto v = body.find("user")) v->as_string(256);
  r.parameters = std::move(params);
  return r;
}

std::string upstreamBody(const ChatRequest& request, const Model& model) {
  json::Value body = json::object({{"model", model.upstreamName}, {"messages", request.messages}});
  for (const auto& [name, value] : request.parameters.as_object()) body.set(name, value);
  int64_t maxTokens =
      request.maxTokens > 0 ? std::min(request.maxTokens, model.maxTokens) : model.maxTokens;
  body.set("max_tokens", maxTokens);
  if (request.stream) {
    body.set("stream", true);
    body.set("stream_options", json::object({{"include_usage", true}}));
  }
  return body.dump();
}

std::string cacheKey(const ChatRequest& request) {
  json::Value canonical = json::object({{"model", request.model},
                                        {"messages", request.messages},
                                        {"parameters", request.parameters},
                                        {"max_tokens", request.maxTokens}});
  std::string text = canonical.dump();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &len, EVP_sha256(), nullptr);
  return hex(digest.data(), len);
}

int64_t estimateTokens(size_t bytes) {
  return static_cast<int64_t>((bytes + 3) / 4);
}

}  // namespace ai_plugin
