// SPDX-License-Identifier: Apache-2.0
#include "migrate/MigrationSet.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>

#include "common/ReadFile.h"

namespace portico::migrate {
namespace {

std::string readAll(const std::string& path) {
  auto text = common::readFile(path);
  if (!text) throw std::runtime_error("cannot read migration " + path);
  return *text;
}

std::string sha256(const std::string& text) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(text);
  return Poco::DigestEngine::digestToHex(sha.digest());
}

}  // namespace

MigrationSet loadMigrations(const std::string& dir, const std::string& owner) {
  std::string folder = dir + "/" + owner;
  MigrationSet set{owner, folder, {}};
  Poco::File f(folder);
  if (!f.exists() || !f.isDirectory()) return set;
  std::vector<std::string> names;
  f.list(names);
  std::map<int, Migration> byVersion;
  for (const auto& file : names) {
    bool up = file.size() > 7 && file.compare(file.size() - 7, 7, ".up.sql") == 0;
    bool down = file.size() > 9 && file.compare(file.size() - 9, 9, ".down.sql") == 0;
    if (!up && !down) continue;
    size_t underscore = file.find('_');
    std::string digits = file.substr(0, underscore);
    if (underscore == std::string::npos || digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error("migration file " + folder + "/" + file +
                               " is not named NNNN_name.up.sql / NNNN_name.down.sql");
    }
    int version = std::stoi(digits);
    std::string name = file.substr(underscore + 1, file.size() - underscore - 1 - (up ? 7 : 9));
    Migration& m = byVersion[version];
    if (!m.name.empty() && m.name != name) {
      throw std::runtime_error("two migrations of " + owner + " have version " + digits + ": " +
                               m.name + " and " + name);
    }
    m.version = version;
    m.name = name;
    (up ? m.up : m.down) = readAll(folder + "/" + file);
  }
  for (auto& [version, m] : byVersion) {
    if (m.up.empty()) {
      throw std::runtime_error("migration " + owner + "/" + std::to_string(version) + "_" + m.name +
                               " has a down file but no up file");
    }
    m.checksum = sha256(m.up);
    set.migrations.push_back(std::move(m));
  }
  return set;
}

void addMigration(MigrationSet& set, int version, std::string name, std::string up,
                  std::string down) {
  std::string label = set.owner + "/" + std::to_string(version) + "_" + name;
  bool goodName =
      !name.empty() && name.size() <= 64 &&
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  if (!goodName) {
    throw std::runtime_error("migration " + label + " in " + set.source +
                             ": the name must be [a-z0-9_]{1,64}");
  }
  int previous = set.migrations.empty() ? 0 : set.migrations.back().version;
  if (version <= previous) {
    throw std::runtime_error("migration " + label + " in " + set.source +
                             ": versions must start at 1 and increase (previous " +
                             std::to_string(previous) + ")");
  }
  if (up.empty()) {
    throw std::runtime_error("migration " + label + " in " + set.source + " has no up text");
  }
  std::string checksum = sha256(up);
  set.migrations.push_back(
      Migration{version, std::move(name), std::move(up), std::move(down), std::move(checksum)});
}

void addMigrations(MigrationSet& set, const portico_migration* list, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const portico_migration& m = list[i];
    addMigration(set, static_cast<int>(std::min<uint32_t>(m.version, INT32_MAX)),
                 std::string(m.name.ptr, m.name.len), std::string(m.up.ptr, m.up.len),
                 std::string(m.down.ptr, m.down.len));
  }
}

}  // namespace portico::migrate
