/* SPDX-License-Identifier: Apache-2.0 */
// Exact-match reply cache in Redis: the key is a hash of the canonical request (ChatRequest.h's
// cacheKey), the value what the model said and what it used. An entry holds nothing of who asked
// (no user, request or job id): a hit is answered with fresh ids, so one caller's entry
// identifies no other caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "StreamedReply.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

struct CachedReply {
  std::string model;             // the alias that answered
  portico::json::Value message;  // {role, content[, tool_calls]}
  std::string finishReason;
  Usage usage;

  // OpenAI's chat.completion object for a new caller.
  portico::json::Value completion(const std::string& id, int64_t created) const;
  // Whether it can be replayed as a stream (text only; tool calls are not replayed).
  bool streamable() const;
  std::string content() const;
};

class ReplyCache {
 public:
  explicit ReplyCache(int64_t ttlSeconds) : ttl_(ttlSeconds) {}
  bool enabled() const { return ttl_ > 0; }

  std::optional<CachedReply> get(portico::Redis& redis, const std::string& key) const;
  void put(portico::Redis& redis, const std::string& key, const CachedReply& reply) const;

 private:
  int64_t ttl_;
};

// "chatcmpl-" and 24 random hex digits.
std::string newCompletionId();

}  // namespace ai_plugin
