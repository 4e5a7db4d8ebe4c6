#include "config/Config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>

namespace portico::config {

std::vector<std::string> Config::getList(const std::string& key) const {
  Poco::StringTokenizer items(
      getString(key, ""), ",",
      Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
  return std::vector<std::string>(items.begin(), items.end());
}

Config Config::fromFile(const std::string& path) {
  Config cfg;
  try {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file(
        new Poco::Util::PropertyFileConfiguration(path));
    std::function<void(const std::string&)> walk = [&](const std::string& prefix) {
      Poco::Util::AbstractConfiguration::Keys keys;
      file->keys(prefix, keys);
      for (const auto& k : keys) {
        std::string full = prefix.empty() ? k : prefix + "." + k;
        if (file->hasProperty(full)) cfg.values_[full] = file->getRawString(full);
        walk(full);
      }
    };
    walk("");
  } catch (const Poco::Exception& e) {
    throw ConfigError("cannot read config file " + path + ": " + e.displayText());
  }
  return cfg;
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

std::string Config::getString(const std::string& key, const std::string& fallback) const {
  return find(key).value_or(fallback);
}

int64_t Config::getInt(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  auto raw = find(key);
  if (!raw) return fallback;
  try {
    size_t used = 0;
    long long v = std::stoll(*raw, &used, 10);
    if (used != raw->size()) throw std::invalid_argument("trailing characters");
    if (v < min || v > max) {
      throw ConfigError("config key " + key + " = '" + *raw + "' is out of range [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return v;
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception&) {
    throw ConfigError("config key " + key + " = '" + *raw + "' is not an integer");
  }
}

bool Config::getBool(const std::string& key, bool fallback) const {
  auto raw = find(key);
  if (!raw) return fallback;
  std::string v = *raw;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  throw ConfigError("config key " + key + " = '" + *raw + "' is not a boolean (true/false)");
}

}  // namespace portico::config
