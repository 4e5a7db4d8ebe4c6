/* SPDX-License-Identifier: Apache-2.0 */
// A streamed chat completion as it comes from an OpenAI-compatible provider: server-sent events
// cut into whole events whatever the network's chunking, and what the gateway keeps of them: the
// text generated (for the cache, and to estimate usage when none is reported), the finish
// reason, and the usage chunk providers send last when asked (stream_options.include_usage).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ai_plugin {

struct Usage {
  int64_t inputTokens = 0;
  int64_t outputTokens = 0;
  bool estimated = false;  // counted by the gateway, the provider reported none
};

class StreamedReply {
 public:
  // Whole events, with their blank line, in order, each also as a client that did not ask for
  // usage should see it (stream_options.include_usage): the same, the chunk without its `usage`
  // member (providers differ in where they put it), or "" for a chunk that is usage alone.
  using OnEvent = std::function<void(std::string_view event, std::string_view withoutUsage)>;

  // Feeds bytes as they arrive; calls onEvent for every event they complete.
  void feed(std::string_view bytes, const OnEvent& onEvent);

  bool done() const { return done_; }  // data: [DONE] seen
  const std::string& content() const { return content_; }
  const std::string& finishReason() const { return finishReason_; }
  const std::optional<Usage>& usage() const { return usage_; }
  size_t events() const { return events_; }

 private:
  // Takes what the chunk says; sets *withoutUsage when the chunk must be rewritten for a client
  // that did not ask for usage ("" to drop it).
  void inspect(std::string_view data, std::optional<std::string>* withoutUsage);

  std::string pending_;
  std::string content_;
  std::string finishReason_;
  std::optional<Usage> usage_;
  size_t events_ = 0;
  bool done_ = false;
};

// The chunks that replay a finished reply as a stream (a cache hit asked with "stream": true):
// a role chunk, the content, a finish chunk, the usage chunk if asked for, and [DONE].
std::string replayEvents(const std::string& id, const std::string& model, int64_t created,
                         const std::string& content, const std::string& finishReason,
                         const Usage& usage, bool includeUsage);

}  // namespace ai_plugin
