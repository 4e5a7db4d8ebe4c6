// SPDX-License-Identifier: Apache-2.0
#include "StreamedReply.h"

#include <algorithm>

#include "portico/sdk.hpp"

namespace ai_plugin {

namespace json = portico::json;

namespace {

// Where the event ending at the first blank line ends (past it), or npos. Lines may end in
// \n, \r\n or \r (the event-stream grammar allows all three).
size_t eventEnd(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    size_t next = i + ((text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1);
    if (next < text.size() && (text[next] == '\n' || text[next] == '\r')) {
      return next +
             ((text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n') ? 2 : 1);
    }
  }
  return std::string::npos;
}

}  // namespace

void StreamedReply::feed(std::string_view bytes, const OnEvent& onEvent) {
  pending_.append(bytes);
  for (size_t end; (end = eventEnd(pending_)) != std::string::npos;) {
    std::string event = pending_.substr(0, end);
    pending_.erase(0, end);
    std::string data;
    size_t start = 0;
    while (start < event.size()) {
      size_t stop = event.find_first_of("\r\n", start);
      std::string_view line(event.data() + start, stop - start);
      if (line.rfind("data:", 0) == 0) {
        line.remove_prefix(line.size() > 5 && line[5] == ' ' ? 6 : 5);
        if (!data.empty()) data.push_back('\n');
        data.append(line);
      }
      start = event.find_first_not_of("\r\n", stop);
      if (start == std::string::npos) break;
    }
    ++events_;
    std::optional<std::string> withoutUsage;
    if (!data.empty()) inspect(data, &withoutUsage);
    onEvent(event, withoutUsage ? std::string_view(*withoutUsage) : std::string_view(event));
  }
}

void StreamedReply::inspect(std::string_view data, std::optional<std::string>* withoutUsage) {
  if (data == "[DONE]") {
    done_ = true;
    return;
  }
  json::Value chunk;
  try {
    chunk = json::parse(data);
  } catch (const json::ParseError&) {
    return;  // not ours to judge: forwarded as it came
  }
  if (const json::Value* u = chunk.find("usage"); u != nullptr && u->is_object()) {
    Usage usage;
    if (const json::Value* in = u->find("prompt_tokens"); in && in->is_int()) {
      usage.inputTokens = in->as_int();
    }
    if (const json::Value* out = u->find("completion_tokens"); out && out->is_int()) {
      usage.outputTokens = out->as_int();
    }
    usage_ = usage;
  }
  const json::Value* choices = chunk.find("choices");
  bool hasChoices = choices != nullptr && choices->is_array() && !choices->as_array().empty();
  if (chunk.find("usage") != nullptr) {
    if (!hasChoices) {
      *withoutUsage = std::string();
      return;
    }
    json::Object& members = chunk.as_object();
    members.erase(std::remove_if(members.begin(), members.end(),
                                 [](const json::Member& m) { return m.first == "usage"; }),
                  members.end());
    *withoutUsage = "data: " + chunk.dump() + "\n\n";
    choices = chunk.find("choices");
  }
  if (!hasChoices) return;
  const json::Value& choice = choices->as_array().front();
  if (const json::Value* delta = choice.find("delta")) {
    if (const json::Value* text = delta->find("content"); text && text->is_string()) {
      content_.append(text->as_string());
    }
  }
  if (const json::Value* reason = choice.find("finish_reason"); reason && reason->is_string()) {
    finishReason_ = reason->as_string();
  }
}

std::string replayEvents(const std::string& id, const std::string& model, int64_t created,
                         const std::string& content, const std::string& finishReason,
                         const Usage& usage, bool includeUsage) {
  auto chunk = [&](json::Value choices, json::Value extra = nullptr) {
    json::Value c = json::object({{"id", id},
                                  {"object", "chat.completion.chunk"},
                                  {"created", created},
                                  {"model", model},
                                  {"choices", std::move(choices)}});
    if (!extra.is_null()) c.set("usage", std::move(extra));
    return "data: " + c.dump() + "\n\n";
  };
  auto choice = [](json::Value delta, json::Value reason) {
    return json::Value(json::Array{json::object(
        {{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(reason)}})});
  };
  std::string out = chunk(choice(json::object({{"role", "assistant"}, {"content", ""}}), nullptr));
  out += chunk(choice(json::object({{"content", content}}), nullptr));
  out += chunk(choice(json::object({}), finishReason.empty() ? "stop" : finishReason));
  if (includeUsage) {
    out += chunk(json::Array{},
                 json::object({{"prompt_tokens", usage.inputTokens},
                               {"completion_tokens", usage.outputTokens},
                               {"total_tokens", usage.inputTokens + usage.outputTokens}}));
  }
  return out + "data: [DONE]\n\n";
}

}  // namespace ai_plugin
