/* SPDX-License-Identifier: Apache-2.0 */
// Flat key/value configuration in three layers: the environment, then the operator's properties
// file, then the defaults compiled in from conf/porticod.properties (config/Defaults.h). Every
// host setting has its default in that file and nowhere else: reading a key it lacks is a
// programming error (ConfigError), which the unit tests catch.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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
  // The defaults alone.
  Config();
  Config(const Config& other);
  Config& operator=(const Config& other);

  // The defaults under a Java-style properties file. Throws ConfigError naming the file.
  static Config fromFile(const std::string& path);

  static std::string envName(const std::string& key);

  // Keys that may be absent (plugin.<name>.*, auth.key.<kid>.*): environment, then file.
  std::optional<std::string> find(const std::string& key) const;

  // Settings of the host: environment, file, then default. Throw ConfigError naming the key
  // when the value does not parse or is out of [min, max], or when the key has no default.
  std::string getString(const std::string& key) const;
  int64_t getInt(const std::string& key, int64_t min = INT64_MIN, int64_t max = INT64_MAX) const;
  bool getBool(const std::string& key) const;
  // A comma-separated list, items trimmed, empty items dropped.
  std::vector<std::string> getList(const std::string& key) const;
  // True when the key's value comes from the environment rather than the file.
  bool fromEnvironment(const std::string& key) const;

  void set(const std::string& key, const std::string& value) { values_[key] = value; }

  // Every key a setting was read from, and every key the defaults hold: a test compares them.
  std::set<std::string> keysRead() const;
  std::set<std::string> defaultKeys() const;

 private:
  std::map<std::string, std::string> values_;    // the operator's file, and set()
  std::map<std::string, std::string> defaults_;  // conf/porticod.properties as built
  mutable std::mutex readMutex_;
  mutable std::set<std::string> read_;
};

}  // namespace portico::config
