// SPDX-License-Identifier: Apache-2.0
#include "Registry.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "PluginConfig.h"

namespace ai_plugin {

namespace {

using Lookup = std::function<std::optional<std::string>(const std::string&)>;

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool isAlias(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == ':' || c == '/';
  });
}

std::string required(const Lookup& config, const std::string& key) {
  auto v = config(key);
  if (!v || trim(*v).empty()) throw std::runtime_error("config plugin.ai." + key + " is missing");
  return trim(*v);
}

double price(const Lookup& config, const std::string& key) {
  auto v = config(key);
  if (!v) return 0;
  size_t used = 0;
  double d = -1;
  try {
    d = std::stod(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size() || d < 0) {
    throw std::runtime_error("config plugin.ai." + key + " = '" + *v + "' must be a number >= 0");
  }
  return d;
}

int64_t integer(const Lookup& config, const std::string& key, int64_t fallback, int64_t max) {
  auto v = config(key);
  return v ? portico::common::parseConfigInt("plugin.ai." + key, *v, 1, max) : fallback;
}

}  // namespace

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = trim(text.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

Registry Registry::load(const Lookup& config, const Lookup& env) {
  Registry r;
  for (const std::string& name : splitList(config("providers").value_or(""))) {
    if (!isAlias(name)) throw std::runtime_error("config plugin.ai.providers: bad name " + name);
    std::string at = "provider." + name + ".";
    Provider p;
    p.name = name;
    std::string kind = config(at + "kind").value_or("openai");
    if (kind == "replicate") {
      p.kind = ProviderKind::Replicate;
    } else if (kind != "openai") {
      throw std::runtime_error("config plugin.ai." + at + "kind = '" + kind +
                               "' must be openai or replicate");
    }
    p.baseUrl =
        config(at + "base_url")
            .value_or(p.kind == ProviderKind::Replicate ? "https://api.replicate.com/v1" : "");
    while (!p.baseUrl.empty() && p.baseUrl.back() == '/') p.baseUrl.pop_back();
    if (p.baseUrl.rfind("http://", 0) != 0 && p.baseUrl.rfind("https://", 0) != 0) {
      throw std::runtime_error("config plugin.ai." + at + "base_url must be an http(s) URL");
    }
    p.keyEnv = trim(config(at + "key_env").value_or(""));
    if (!p.keyEnv.empty()) p.key = env(p.keyEnv).value_or("");
    r.providers_.emplace(name, std::move(p));
  }
  for (const std::string& alias : splitList(config("models").value_or(""))) {
    if (!isAlias(alias)) throw std::runtime_error("config plugin.ai.models: bad alias " + alias);
    std::string at = "model." + alias + ".";
    Model m;
    m.alias = alias;
    m.provider = required(config, at + "provider");
    if (r.providers_.count(m.provider) == 0) {
      throw std::runtime_error("config plugin.ai." + at + "provider names no provider in " +
                               "plugin.ai.providers: " + m.provider);
    }
    m.upstreamName = config(at + "name").value_or(alias);
    m.pricePer1kIn = price(config, at + "price_in_per_1k");
    m.pricePer1kOut = price(config, at + "price_out_per_1k");
    m.pricePerSecond = price(config, at + "price_per_second");
    m.maxTokens = integer(config, at + "max_tokens", 4096, 1 << 24);
    m.fallbacks = splitList(config(at + "fallbacks").value_or(""));
    m.scope = trim(config(at + "scope").value_or(""));
    r.models_.push_back(std::move(m));
  }
  for (const Model& m : r.models_) {
    for (const std::string& f : m.fallbacks) {
      if (r.model(f) == nullptr) {
        throw std::runtime_error("config plugin.ai.model." + m.alias +
                                 ".fallbacks names no model: " + f);
      }
    }
  }
  return r;
}

const Model* Registry::model(const std::string& alias) const {
  auto it = std::find_if(models_.begin(), models_.end(),
                         [&](const Model& m) { return m.alias == alias; });
  return it == models_.end() ? nullptr : &*it;
}

std::vector<const Model*> Registry::chain(const Model& first) const {
  std::vector<const Model*> out{&first};
  for (const std::string& f : first.fallbacks) {
    const Model* m = model(f);
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  }
  return out;
}

std::string Registry::unconfigured(const Model& first) const {
  std::string why;
  for (const Model* m : chain(first)) {
    const Provider& p = providerOf(*m);
    if (p.configured()) return "";
    why += (why.empty() ? "provider " : "; provider ") + p.name + " is unconfigured (" + p.keyEnv +
           " is not set)";
  }
  return why;
}

}  // namespace ai_plugin
