/* SPDX-License-Identifier: Apache-2.0 */
// A private PostgreSQL and Redis for one test, started with packaging/services.sh, so that the
// test may stop and restart them without disturbing the rest of the suite.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace e2e {

class PrivateServices {
 public:
  PrivateServices();  // starts both; throws on failure
  ~PrivateServices();
  PrivateServices(const PrivateServices&) = delete;
  PrivateServices& operator=(const PrivateServices&) = delete;

  const std::string& databaseUrl() const { return databaseUrl_; }
  const std::string& redisUrl() const { return redisUrl_; }

  void stopPostgres();
  void startPostgres();  // returns once it accepts connections
  void stopRedis();
  void startRedis();  // returns once it answers PING
  // Runs one redis-cli command (e.g. "FLUSHALL") against this Redis.
  void redisCommand(const std::string& args);

 private:
  void shell(const std::string& script);

  std::string dir_;
  uint16_t pgPort_;
  uint16_t redisPort_;
  std::string databaseUrl_;
  std::string redisUrl_;
};

// Runs one redis-cli command (e.g. "PUBLISH channel payload", arguments shell-quoted) against
// the suite's Redis (PORTICO_REDIS_URL); returns {exit code, output}.
std::pair<int, std::string> suiteRedis(const std::string& args);

// Runs SQL with psql against the suite's PostgreSQL (PORTICO_DATABASE_URL), stopping at the first
// error; returns {exit code, output with the trailing newline trimmed} (unaligned, tuples only).
std::pair<int, std::string> suitePsql(const std::string& sql);
// The same against the database at `url` (a PrivateServices one).
std::pair<int, std::string> psqlAt(const std::string& url, const std::string& sql);

}  // namespace e2e
