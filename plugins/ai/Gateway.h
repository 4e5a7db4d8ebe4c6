/* SPDX-License-Identifier: Apache-2.0 */
// Chat completions through the model chain: the model asked for, then its fallbacks, skipping
// models the caller's scopes do not allow, providers without a key, and models (or, when the key
// was refused or the provider could not be reached, whole providers) cooling down after a
// failure. What is retried is
// explicit: a connection error, a timeout, 408, 429 and 5xx (the host's client retries each
// model's call, honouring Retry-After, then the next model is tried); 401 and 403 mean the
// provider refused the gateway's key, so it cools down and the next model is tried too; any
// other 4xx means the request itself was refused and comes back as 400 with the provider's
// message. Every failure ends in a clear error, never a hang: the call's deadline bounds it.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "ChatRequest.h"
#include "Registry.h"
#include "StreamedReply.h"
#include "portico/sdk.hpp"

namespace ai_plugin {

// What failed, and until when it is left alone: a model on its provider (its own errors: 5xx,
// 429, a timeout) or a whole provider (its key refused, unreachable). Per process.
class Cooldowns {
 public:
  explicit Cooldowns(std::chrono::milliseconds period) : period_(period) {}
  // A model's key is "<provider>/<upstream name>", a provider's its name. At least the
  // configured period; longer when the provider asked (Retry-After).
  void failed(const std::string& key, std::chrono::milliseconds asked = {});
  // Zero when it may be called, else how long it still rests.
  std::chrono::milliseconds remaining(const std::string& key) const;
  static std::string keyOf(const Provider& provider, const Model& model) {
    return provider.name + "/" + model.upstreamName;
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::map<std::string, Clock::time_point> until_;
};

struct GatewayOptions {
  uint32_t attempts = 2;   // per model, by the host's client
  uint32_t timeoutMs = 0;  // per model call; 0: the host's (bounded by the call's deadline)
  uint32_t streamTimeoutMs = 300000;
};

struct Completion {
  const Model* model = nullptr;  // the one that answered
  portico::json::Value body;     // the provider's answer, "model" set to the alias
  Usage usage;
};

class Gateway {
 public:
  Gateway(const Registry& registry, Cooldowns& cooldowns, const portico::Host& host,
          GatewayOptions options)
      : registry_(registry), cooldowns_(cooldowns), host_(host), options_(options) {}

  // A whole reply. Throws HttpError (400, 502, 503) when no model of the chain answered.
  Completion complete(const portico::Scope& scope, const ChatRequest& request, const Model& first,
                      const std::function<bool()>& cancelled = {}) const;

  // A streamed reply: onStart(model) once the first event of a model's 2xx answer is in (before
  // that, a failing model gives way to the next), then onEvent for each event as it arrives.
  // Returns what was streamed; throws HttpError as complete() when nothing could start, and
  // OutboundError (code PORTICO_ERR_CANCELED) when cancelled() said so before the start.
  struct Streamed {
    const Model* model = nullptr;
    StreamedReply reply;
    bool broken = false;     // the stream ended early (network, timeout, cancelled)
    bool cancelled = false;  // ... because cancelled() said so
  };
  Streamed stream(const portico::Scope& scope, const ChatRequest& request, const Model& first,
                  const std::function<void(const Model&)>& onStart,
                  const StreamedReply::OnEvent& onEvent,
                  const std::function<bool()>& cancelled) const;

  // What a walk along the chain met, for the error that ends it (Gateway.cpp).
  struct Failures;

 private:
  portico::HttpRequest upstreamRequest(const ChatRequest& request, const Model& model) const;
  // Tries each model of first's chain that can be called now: attempt(model, provider, call,
  // failures) returns true once answered, false to go on (having said why in failures); the end
  // of the chain throws what failures make of it.
  template <typename Attempt>
  void walk(const ChatRequest& request, const Model& first, const std::function<bool()>& cancelled,
            Attempt&& attempt) const;

  const Registry& registry_;
  Cooldowns& cooldowns_;
  const portico::Host& host_;
  GatewayOptions options_;
};

// The provider's own words from an error body ({"error": {"message"}} or text), shortened.
std::string upstreamMessage(std::string_view body);

}  // namespace ai_plugin
