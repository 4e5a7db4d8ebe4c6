/* SPDX-License-Identifier: Apache-2.0 */
// The PostgreSQL and Redis pools the host lends to plugins, built from config, with the health
// probe behind /ready and the pool gauges behind /metrics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "resources/Pool.h"
#include "resources/postgres/PgConnection.h"
#include "resources/redis/RedisConnection.h"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}

namespace portico::resources {

using PgPool = Pool<PgConnection>;
using RedisPool = Pool<RedisConnection>;

struct Probe {
  std::string name;  // "postgresql", "redis"
  bool ok = false;
  double latencyMs = 0;
  std::string error;
};

// database.* and redis.*; defaults in conf/porticod.properties.
struct ResourcesOptions {
  std::string databaseUrl;  // empty: no database
  PoolOptions database;
  int statementTimeoutMs = 0;
  int connectTimeoutS = 0;
  std::string redisUrl;  // empty: no Redis
  RedisUrl redis;        // redisUrl, parsed
  PoolOptions redisPool;
  int redisConnectTimeoutMs = 0;
  int redisCommandTimeoutMs = 0;
  int redisValidateIdleMs = 0;

  // Throws config::ConfigError for a malformed url.
  static ResourcesOptions fromConfig(const config::Config& cfg);
};

class Resources {
 public:
  // A pool whose url is empty is not configured (plugins asking for it get
  // PORTICO_ERR_UNAVAILABLE).
  Resources(const ResourcesOptions& options, metrics::Metrics& metrics);

  PgPool* postgres() { return postgres_.get(); }
  RedisPool* redis() { return redis_.get(); }

  // Opens each pool's minimum of connections; services that are down are reported and left to
  // connect on demand.
  void warmUp();

  // Round trip to each configured service (SELECT 1, PING), for /ready.
  std::vector<Probe> probe();

 private:
  std::unique_ptr<PgPool> postgres_;
  std::unique_ptr<RedisPool> redis_;
};

}  // namespace portico::resources
