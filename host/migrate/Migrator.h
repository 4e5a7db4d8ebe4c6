/* SPDX-License-Identifier: Apache-2.0 */
// Applies and reverts schema migrations, recorded in portico_migrations (plugin, version, name,
// checksum, applied_at). Every run holds a PostgreSQL advisory lock, so several hosts starting at
// once apply each migration exactly once; each migration runs in its own transaction, so a failing
// one leaves the schema as it was. An applied migration whose text has changed is refused, and so
// is one missing from between the versions a set carries; applied versions above the newest one
// carried are accepted: an older plugin version swapped back in over the schema of a newer one.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/MigrationSet.h"
#include "resources/Resources.h"

namespace portico::migrate {

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationStatus {
  int version;
  std::string name;
  bool applied;
  std::string appliedAt;  // empty when pending
};

class Migrator {
 public:
  explicit Migrator(resources::PgPool& pool) : pool_(pool) {}

  // Applies every pending migration of the set's owner ("host" or a plugin name), in order.
  // Returns how many ran. Throws MigrationError naming the migration and PostgreSQL's message.
  int up(const MigrationSet& set);
  // Reverts applied migrations newer than `toVersion` (-1: only the newest), newest first.
  // Returns how many were reverted.
  int down(const MigrationSet& set, int toVersion);
  std::vector<MigrationStatus> status(const MigrationSet& set);

 private:
  resources::PgPool& pool_;
};

}  // namespace portico::migrate
