// SPDX-License-Identifier: Apache-2.0
#include "ReplyCache.h"

#include "RandomHex.h"

namespace ai_plugin {

namespace json = portico::json;

json::Value CachedReply::completion(const std::string& id, int64_t created) const {
  return json::object(
      {{"id", id},
       {"object", "chat.completion"},
       {"created", created},
       {"model", model},
       {"choices", json::Array{json::object(
                       {{"index", 0}, {"message", message}, {"finish_reason", finishReason}})}},
       {"usage", json::object({{"prompt_tokens", usage.inputTokens},
                               {"completion_tokens", usage.outputTokens},
                               {"total_tokens", usage.inputTokens + usage.outputTokens}})}});
}

bool CachedReply::streamable() const {
  const json::Value* calls = message.find("tool_calls");
  return calls == nullptr || calls->is_null();
}

std::string CachedReply::content() const {
  const json::Value* c = message.find("content");
  return c != nullptr && c->is_string() ? c->as_string() : "";
}

std::optional<CachedReply> ReplyCache::get(portico::Redis& redis, const std::string& key) const {
  auto reply = redis.command({"GET", "ai:cache:" + key});
  if (reply.is_nil()) return std::nullopt;
  try {
    json::Value v = json::parse(reply.text());
    CachedReply c;
    c.model = v.at("model").as_string();
    c.message = v.at("message");
    c.finishReason = v.at("finish_reason").as_string();
    c.usage.inputTokens = v.at("prompt_tokens").as_int();
    c.usage.outputTokens = v.at("completion_tokens").as_int();
    return c;
  } catch (const std::exception&) {
    return std::nullopt;  // an entry of an older shape: a miss, overwritten by the answer
  }
}

void ReplyCache::put(portico::Redis& redis, const std::string& key,
                     const CachedReply& reply) const {
  json::Value v = json::object({{"model", reply.model},
                                {"message", reply.message},
                                {"finish_reason", reply.finishReason},
                                {"prompt_tokens", reply.usage.inputTokens},
                                {"completion_tokens", reply.usage.outputTokens}});
  redis.command({"SET", "ai:cache:" + key, v.dump(), "EX", std::to_string(ttl_)});
}

std::string newCompletionId() {
  return "chatcmpl-" + randomHex(24);
}

}  // namespace ai_plugin
