/* SPDX-License-Identifier: Apache-2.0 */
// One libpq connection with a cache of prepared statements.
//
// libpq rather than Poco::Data's PostgreSQL connector: Poco's connector drops the microseconds of
// timestamps and reads NULL into an integer as 0 (see the field notes), and the plugin ABI
// promises exact types with NULL kept. Poco's connector is built on libpq anyway, so this adds no
// package.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace portico::resources {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate, bool connectionLost)
      : std::runtime_error(message),
        sqlstate_(std::move(sqlstate)),
        connectionLost_(connectionLost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  // True when the connection is unusable (server gone, network): the pool drops it.
  bool connectionLost() const { return connectionLost_; }

 private:
  std::string sqlstate_;
  bool connectionLost_;
};

// A statement parameter as libpq takes it: a type OID (0 lets the server infer), a value in text
// format (or binary when `binary`), or no value for NULL.
struct PgParam {
  Oid type = 0;
  std::optional<std::string> value;
  bool binary = false;
};

// Owns a PGresult.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  int columns() const { return PQnfields(r_.get()); }
  const char* columnName(int c) const { return PQfname(r_.get(), c); }
  Oid columnType(int c) const { return PQftype(r_.get(), c); }
  bool isNull(int r, int c) const { return PQgetisnull(r_.get(), r, c) != 0; }
  const char* value(int r, int c) const { return PQgetvalue(r_.get(), r, c); }
  int length(int r, int c) const { return PQgetlength(r_.get(), r, c); }
  uint64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class PgConnection {
 public:
  // Connects with `url` (a postgresql:// URI) plus `options` (e.g. "-c statement_timeout=5000").
  // Throws PgError.
  PgConnection(const std::string& url, const std::string& options, int connectTimeoutS);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // False when the server has closed the connection while it sat idle (it then sends a FATAL
  // message and EOF, which makes the socket readable) or libpq already knows it is broken.
  bool alive();

  // Runs `sql` as a prepared statement (prepared once per connection and parameter types).
  PgResult execute(const std::string& sql, const std::vector<PgParam>& params);
  // Runs a parameterless command such as BEGIN.
  void command(const char* sql);
  bool inTransaction() const;

  std::chrono::steady_clock::time_point lastUsed;

 private:
  PgError errorFrom(PGresult* result) const;
  // Returns r when it succeeded; otherwise frees it and throws its error.
  PGresult* checked(PGresult* r) const;

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql + types -> statement name
  uint64_t nextStatement_ = 0;
};

}  // namespace portico::resources
