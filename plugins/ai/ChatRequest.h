/* SPDX-License-Identifier: Apache-2.0 */
// A chat completion request in OpenAI's shape (POST /ai/v1/chat/completions, and the chat form
// of POST /ai/generate), checked field by field so that a client's mistake answers 400 naming
// the field; what goes upstream; and the key of its cache entry.
#pragma once

#include <cstdint>
#include <string>

#include "Registry.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

struct ChatRequest {
  std::string model;                // the alias asked for
  portico::json::Value messages;    // checked, as sent
  portico::json::Value parameters;  // the sampling and tool parameters given, checked
  bool stream = false;
  bool includeUsage = false;  // stream_options.include_usage: the client wants the usage chunk
  int64_t maxTokens = 0;      // 0: the model's ceiling
  size_t promptBytes = 0;     // of every message's text
  // Not from the body: the caller's scopes (space-separated). A fallback the caller may not use
  // is skipped.
  std::string callerScopes;
};

// Throws HttpError(400) naming the field, or 413 when the messages' text exceeds
// maxPromptBytes. The model is only read here; whether it exists is the caller's check.
ChatRequest parseChat(const portico::Input& body, size_t maxPromptBytes);

// The body sent to an OpenAI-compatible provider for `model`: streamed replies always ask for
// the usage chunk, so that what was generated can be charged.
std::string upstreamBody(const ChatRequest& request, const Model& model);

// What makes two requests the same question: model, messages and parameters, never the caller
// (`user` is left out) nor whether it streams. SHA-256, hex.
std::string cacheKey(const ChatRequest& request);

// A rough token count (4 bytes a token) for a reply whose provider reported no usage.
int64_t estimateTokens(size_t bytes);

}  // namespace ai_plugin
