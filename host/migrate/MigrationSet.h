/* SPDX-License-Identifier: Apache-2.0 */
// The migrations of one owner (the host, or a plugin), ordered by version, and where they came
// from: files migrations/<owner>/NNNN_name.up.sql and .down.sql, or the table a plugin library
// carries (ABI 1.3).
#pragma once

#include <string>
#include <vector>

#include "portico/plugin.h"

namespace portico::migrate {

struct Migration {
  int version = 0;
  std::string name;
  std::string up;        // SQL text
  std::string down;      // SQL text, empty when it cannot be reverted
  std::string checksum;  // SHA-256 of `up`: the same whether read from a file or a library
};

struct MigrationSet {
  std::string owner;
  std::string source;  // for messages: "/srv/migrations/auth" or "plugin auth 1.2.0"
  std::vector<Migration> migrations;
};

// Reads <dir>/<owner>/. A missing folder is an empty set. Throws std::runtime_error naming the
// file for a malformed name, a duplicate version or an unreadable file.
MigrationSet loadMigrations(const std::string& dir, const std::string& owner);

// Adds one migration handed over in memory, checking what a file name would have guaranteed:
// version >= 1 and above the previous one, a [a-z0-9_]{1,64} name, a non-empty up text. Throws
// std::runtime_error naming the migration otherwise.
void addMigration(MigrationSet& set, int version, std::string name, std::string up,
                  std::string down);
// Adds each of a table laid out as plugin.h's portico_migration (a plugin's, or the host's own).
void addMigrations(MigrationSet& set, const portico_migration* list, size_t count);

}  // namespace portico::migrate
