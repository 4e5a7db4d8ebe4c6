// SPDX-License-Identifier: Apache-2.0
#include "config/Config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "config/Defaults.h"

namespace portico::config {
namespace {

std::map<std::string, std::string> flatten(Poco::Util::PropertyFileConfiguration& file) {
  std::map<std::string, std::string> out;
  std::function<void(const std::string&)> walk = [&](const std::string& prefix) {
    Poco::Util::AbstractConfiguration::Keys keys;
    file.keys(prefix, keys);
    for (const auto& k : keys) {
      std::string full = prefix.empty() ? k : prefix + "." + k;
      if (file.hasProperty(full)) out[full] = file.getRawString(full);
      walk(full);
    }
  };
  walk("");
  return out;
}

const std::map<std::string, std::string>& builtInDefaults() {
  static const std::map<std::string, std::string> defaults = [] {
    std::istringstream text{std::string(defaultProperties())};
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
        new Poco::Util::PropertyFileConfiguration(text));
    return flatten(*file);
  }();
  return defaults;
}

}  // namespace

Config::Config() : defaults_(builtInDefaults()) {}

Config::Config(const Config& other) : values_(other.values_), defaults_(other.defaults_) {}

Config& Config::operator=(const Config& other) {
  values_ = other.values_;
  defaults_ = other.defaults_;
  return *this;
}

std::vector<std::string> Config::getList(const std::string& key) const {
  Poco::StringTokenizer items(
      getString(key), ",",
      Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  return std::vector<std::string>(items.begin(), items.end());
}

Config Config::fromFile(const std::string& path) {
  Config cfg;
  try {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
        new Poco::Util::PropertyFileConfiguration(path));
    cfg.values_ = flatten(*file);
  } catch (const Poco::Exception& e) {
    throw ConfigError("cannot read config file " + path + ": " + e.displayText());
  }
  return cfg;
}

std::set<std::string> Config::keysRead() const {
  std::lock_guard<std::mutex> lock(readMutex_);
  return read_;
}

std::set<std::string> Config::defaultKeys() const {
  std::set<std::string> out;
  for (const auto& [key, value] : defaults_) out.insert(key);
  return out;
}

std::string Config::envName(const std::string& key) {
  std::string name = "PORTICO_";
  for (char c : key) {
    name += (c == '.' || c == '-') ? '_'
                                   : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::optional<std::string> Config::find(const std::string& key) const {
  if (const char* env = std::getenv(envName(key).c_str())) return std::string(env);
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

bool Config::fromEnvironment(const std::string& key) const {
  return std::getenv(envName(key).c_str()) != nullptr;
}

std::string Config::getString(const std::string& key) const {
  {
    std::lock_guard<std::mutex> lock(readMutex_);
    read_.insert(key);
  }
  if (auto set = find(key)) return *set;
  auto it = defaults_.find(key);
  if (it == defaults_.end()) {
    throw ConfigError("config key " + key +
                      " has no default: document it in conf/porticod.properties");
  }
  return it->second;
}

int64_t Config::getInt(const std::string& key, int64_t min, int64_t max) const {
  const std::string raw = getString(key);
  try {
    size_t used = 0;
    long long v = std::stoll(raw, &used, 10);
    if (used != raw.size()) throw std::invalid_argument("trailing characters");
    if (v < min || v > max) {
      throw ConfigError("config key " + key + " = '" + raw + "' is out of range [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception&) {
    throw ConfigError("config key " + key + " = '" + raw + "' is not an integer");
  }
}

bool Config::getBool(const std::string& key) const {
  const std::string raw = getString(key);
  std::string v = raw;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  throw ConfigError("config key " + key + " = '" + raw + "' is not a boolean (true/false)");
}

}  // namespace portico::config
