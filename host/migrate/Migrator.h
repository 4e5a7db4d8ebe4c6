// Applies and reverts schema migrations, recorded in portico_migrations (plugin, version, name,
// checksum, applied_at). Every run holds a PostgreSQL advisory lock, so several hosts starting at
// once apply each migration exactly once; each migration runs in its own transaction, so a failing
// one leaves the schema as it was. An applied migration whose file has changed is refused.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

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
  Migrator(resources::PgPool& pool, std::string dir) : pool_(pool), dir_(std::move(dir)) {}

  // Applies every pending migration of `owner` ("host" or a plugin name), in order. Returns how
  // many ran. Throws MigrationError naming the migration and PostgreSQL's message.
  int up(const std::string& owner);
  // Reverts applied migrations of `owner` newer than `toVersion` (-1: only the newest), newest
  // first. Returns how many were reverted.
  int down(const std::string& owner, int toVersion);
  std::vector<MigrationStatus> status(const std::string& owner);

 private:
  resources::PgPool& pool_;
  std::string dir_;
};

}  // namespace portico::migrate
