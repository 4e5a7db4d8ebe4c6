// Flat key/value configuration: a properties file, overridable from the environment.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace portico::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every lookup checks the environment first: key "http.port" is overridden by PORTICO_HTTP_PORT
// (upper case, '.' and '-' become '_'). That lets an operator change anything without editing the
// file, and keeps secrets out of it.
class Config {
 public:
  Config() = default;

  // Reads a Java-style properties file. Throws ConfigError naming the file on failure.
  static Config fromFile(const std::string& path);

  static std::string envName(const std::string& key);

  std::optional<std::string> find(const std::string& key) const;
  std::string getString(const std::string& key, const std::string& fallback) const;
  // Throw ConfigError naming the key and the bad value when the value does not parse or is out
  // of [min, max].
  int64_t getInt(const std::string& key, int64_t fallback, int64_t min = INT64_MIN,
                 int64_t max = INT64_MAX) const;
  bool getBool(const std::string& key, bool fallback) const;
  // A comma-separated list, items trimmed, empty items dropped.
  std::vector<std::string> getList(const std::string& key) const;
  // True when the key's value comes from the environment rather than the file.
  bool fromEnvironment(const std::string& key) const;

  void set(const std::string& key, const std::string& value) { values_[key] = value; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace portico::config
