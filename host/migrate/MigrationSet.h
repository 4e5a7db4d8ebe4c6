// The migration files of one owner (the host, or a plugin): migrations/<owner>/NNNN_name.up.sql
// and NNNN_name.down.sql, ordered by version.
#pragma once

#include <string>
#include <vector>

namespace portico::migrate {

struct Migration {
  int version = 0;
  std::string name;
  std::string up;        // SQL text
  std::string down;      // SQL text, empty when there is no down file
  std::string checksum;  // SHA-256 of `up`
};

// Reads <dir>/<owner>/. A missing folder is an empty set. Throws std::runtime_error naming the
// file for a malformed name, a duplicate version or an unreadable file.
std::vector<Migration> loadMigrations(const std::string& dir, const std::string& owner);

}  // namespace portico::migrate
