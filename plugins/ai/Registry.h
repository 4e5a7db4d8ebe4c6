/* SPDX-License-Identifier: Apache-2.0 */
// The providers and models the ai plugin offers, read once from plugin.ai.* (README.md lists the
// keys). A provider is an OpenAI-compatible endpoint or Replicate; its key comes from the
// environment variable its config names, never from a file. A model is an alias callers use,
// mapped to one provider's model with its prices, token ceiling, fallbacks and the scope a
// caller needs to see it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ai_plugin {

enum class ProviderKind { OpenAi, Replicate };

struct Provider {
  std::string name;
  ProviderKind kind = ProviderKind::OpenAi;
  std::string baseUrl;  // without a trailing slash: https://api.openai.com/v1
  std::string keyEnv;   // empty: the endpoint needs no key (a local llama.cpp server)
  std::string key;      // read from keyEnv at start
  bool configured() const { return keyEnv.empty() || !key.empty(); }
};

struct Model {
  std::string alias;
  std::string provider;
  std::string upstreamName;   // what the provider calls it
  double pricePer1kIn = 0;    // in the operator's currency, per 1000 input tokens
  double pricePer1kOut = 0;   // per 1000 output tokens
  double pricePerSecond = 0;  // Replicate: per second of prediction time
  int64_t maxTokens = 4096;   // ceiling of max_tokens, and its default
  std::vector<std::string> fallbacks;
  std::string scope;  // empty: any signed-in caller

  // Whether a caller with these scopes (space-separated) may use it, as asked or as a fallback.
  bool allows(std::string_view scopes) const {
    if (scope.empty()) return true;
    for (size_t at = 0; at <= scopes.size();) {
      size_t end = std::min(scopes.find(' ', at), scopes.size());
      if (scopes.substr(at, end - at) == scope) return true;
      at = end + 1;
    }
    return false;
  }

  double cost(int64_t in, int64_t out, double seconds = 0) const {
    return (static_cast<double>(in) * pricePer1kIn + static_cast<double>(out) * pricePer1kOut) /
               1000.0 +
           seconds * pricePerSecond;
  }
};

class Registry {
 public:
  // config(key) answers plugin.ai.<key>; env(name) the environment. Throws std::runtime_error
  // naming the key of a malformed or inconsistent setting.
  static Registry load(const std::function<std::optional<std::string>(const std::string&)>& config,
                       const std::function<std::optional<std::string>(const std::string&)>& env);

  const Model* model(const std::string& alias) const;
  const Provider& providerOf(const Model& model) const { return providers_.at(model.provider); }
  const std::map<std::string, Provider>& providers() const { return providers_; }
  const std::vector<Model>& models() const { return models_; }
  // The model followed by its fallbacks, each once.
  std::vector<const Model*> chain(const Model& first) const;
  // Empty when some model of first's chain has its provider's key; else why none has.
  std::string unconfigured(const Model& first) const;

 private:
  std::map<std::string, Provider> providers_;
  std::vector<Model> models_;
};

// "a, b ,c" -> {"a", "b", "c"}; empty items dropped.
std::vector<std::string> splitList(const std::string& text);

}  // namespace ai_plugin
