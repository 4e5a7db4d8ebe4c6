// SPDX-License-Identifier: Apache-2.0
#include "migrate/Migrator.h"

#include <algorithm>
#include <map>

#include "log/Logging.h"

namespace portico::migrate {
namespace {

using resources::PgConnection;
using resources::PgError;

const char* const kCreateTable =
    "CREATE TABLE IF NOT EXISTS portico_migrations ("
    " plugin text NOT NULL, version integer NOT NULL, name text NOT NULL,"
    " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
    " PRIMARY KEY (plugin, version))";

struct Applied {
  std::string name;
  std::string checksum;
  std::string appliedAt;
};

std::string label(const std::string& owner, int version, const std::string& name) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04d", version);
  return owner + "/" + digits + "_" + name;
}

// A pooled connection holding the migrations advisory lock for as long as it lives.
class LockedSession {
 public:
  explicit LockedSession(resources::PgPool& pool)
      : pool_(pool), conn_(pool.borrow(pool.options().borrowTimeoutMs)) {
    try {
      // Lock first: concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog.
      conn_->command("SELECT pg_advisory_lock(hashtext('portico_migrations'))");
      conn_->command(kCreateTable);
    } catch (...) {
      pool_.giveBack(std::move(conn_), false);
      throw;
    }
  }
  ~LockedSession() {
    bool reusable = true;
    try {
      conn_->command("SELECT pg_advisory_unlock(hashtext('portico_migrations'))");
    } catch (const std::exception&) {
      reusable = false;  // closing the session releases the lock anyway
    }
    pool_.giveBack(std::move(conn_), reusable);
  }
  LockedSession(const LockedSession&) = delete;
  LockedSession& operator=(const LockedSession&) = delete;

  PgConnection& conn() { return *conn_; }

  std::map<int, Applied> applied(const std::string& owner) {
    std::map<int, Applied> out;
    auto rows = conn_->execute(
        "SELECT version, name, checksum, to_char(applied_at, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
        "FROM portico_migrations WHERE plugin = $1 ORDER BY version",
        {{0, owner, false}});
    for (int r = 0; r < rows.rows(); ++r) {
      out[std::atoi(rows.value(r, 0))] =
          Applied{rows.value(r, 1), rows.value(r, 2), rows.value(r, 3)};
    }
    return out;
  }

  // Runs `sql` and `record` in one transaction; on failure rolls back and rethrows.
  void transaction(const std::string& sql, const std::string& record,
                   const std::vector<resources::PgParam>& params) {
    conn_->command("BEGIN");
    try {
      conn_->command(sql.c_str());
      conn_->execute(record, params);
      conn_->command("COMMIT");
    } catch (const PgError&) {
      try {
        conn_->command("ROLLBACK");
      } catch (const PgError&) {
        // The connection is gone; PostgreSQL rolled back on its own.
      }
      throw;
    }
  }

 private:
  resources::PgPool& pool_;
  std::unique_ptr<PgConnection> conn_;
};

}  // namespace

int Migrator::up(const MigrationSet& set) {
  const std::string& owner = set.owner;
  const std::vector<Migration>& files = set.migrations;
  int newest = files.empty() ? 0 : files.back().version;
  LockedSession session(pool_);
  auto applied = session.applied(owner);
  for (const auto& [version, a] : applied) {
    auto file = std::find_if(files.begin(), files.end(),
                             [v = version](const Migration& m) { return m.version == v; });
    if (file == files.end()) {
      if (version > newest) continue;  // the schema is ahead of this version of the plugin
      throw MigrationError("applied migration " + label(owner, version, a.name) + " is not in " +
                           set.source + " any more");
    }
    if (file->checksum != a.checksum) {
      throw MigrationError("migration " + label(owner, version, a.name) +
                           " was changed after it was applied (checksum " +
                           a.checksum.substr(0, 12) + " recorded, " + file->checksum.substr(0, 12) +
                           " in " + set.source +
                           "): restore it and put the change in a new migration");
    }
  }
  if (!applied.empty() && applied.rbegin()->first > newest) {
    log::get("migrate")->info("{} carries migrations up to {}; the schema is at {}", set.source,
                              newest, applied.rbegin()->first);
  }
  int ran = 0;
  for (const auto& m : files) {
    if (applied.count(m.version)) continue;
    try {
      session.transaction(m.up,
                          "INSERT INTO portico_migrations (plugin, version, name, checksum) "
                          "VALUES ($1, $2, $3, $4)",
                          {{0, owner, false},
                           {0, std::to_string(m.version), false},
                           {0, m.name, false},
                           {0, m.checksum, false}});
    } catch (const PgError& e) {
      throw MigrationError("migration " + label(owner, m.version, m.name) + " failed: " + e.what());
    }
    log::get("migrate")->info("applied {}", label(owner, m.version, m.name));
    ++ran;
  }
  return ran;
}

int Migrator::down(const MigrationSet& set, int toVersion) {
  const std::string& owner = set.owner;
  const std::vector<Migration>& files = set.migrations;
  LockedSession session(pool_);
  auto applied = session.applied(owner);
  int reverted = 0;
  for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
    int version = it->first;
    if (toVersion >= 0 ? version <= toVersion : reverted == 1) break;
    auto file = std::find_if(files.begin(), files.end(),
                             [version](const Migration& m) { return m.version == version; });
    if (file == files.end() || file->down.empty()) {
      throw MigrationError("migration " + label(owner, version, it->second.name) +
                           " has no down migration in " + set.source + " to revert it");
    }
    try {
      session.transaction(file->down,
                          "DELETE FROM portico_migrations WHERE plugin = $1 AND version = $2",
                          {{0, owner, false}, {0, std::to_string(version), false}});
    } catch (const PgError& e) {
      throw MigrationError("reverting " + label(owner, version, file->name) +
                           " failed: " + e.what());
    }
    log::get("migrate")->info("reverted {}", label(owner, version, file->name));
    ++reverted;
  }
  return reverted;
}

std::vector<MigrationStatus> Migrator::status(const MigrationSet& set) {
  const std::vector<Migration>& files = set.migrations;
  LockedSession session(pool_);
  auto applied = session.applied(set.owner);
  std::vector<MigrationStatus> out;
  for (const auto& m : files) {
    auto a = applied.find(m.version);
    out.push_back(MigrationStatus{m.version, m.name, a != applied.end(),
                                  a != applied.end() ? a->second.appliedAt : ""});
  }
  return out;
}

}  // namespace portico::migrate
