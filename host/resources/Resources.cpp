// SPDX-License-Identifier: Apache-2.0
#include "resources/Resources.h"

#include <chrono>

#include "config/Config.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"

namespace portico::resources {
namespace {

PoolOptions poolOptions(const config::Config& cfg, const std::string& prefix) {
  PoolOptions o;
  o.max = static_cast<int>(cfg.getInt(prefix + ".pool_max", 1, 10000));
  o.min = static_cast<int>(cfg.getInt(prefix + ".pool_min", 0, o.max));
  o.borrowTimeoutMs = static_cast<int>(cfg.getInt(prefix + ".borrow_timeout_ms", 0, 600000));
  o.idleTimeoutMs = static_cast<int>(cfg.getInt(prefix + ".idle_timeout_ms", 0, 86400000));
  return o;
}

// Time one call, in milliseconds; the call's exception becomes the probe's error.
template <typename F>
Probe timed(const std::string& name, F&& call) {
  Probe p;
  p.name = name;
  auto start = std::chrono::steady_clock::now();
  try {
    call();
    p.ok = true;
  } catch (const std::exception& e) {
    p.error = e.what();
  }
  p.latencyMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return p;
}

}  // namespace

ResourcesOptions ResourcesOptions::fromConfig(const config::Config& cfg) {
  ResourcesOptions o;
  o.databaseUrl = cfg.getString("database.url");
  if (!o.databaseUrl.empty() && o.databaseUrl.rfind("postgresql://", 0) != 0 &&
      o.databaseUrl.rfind("postgres://", 0) != 0) {
    throw config::ConfigError("database.url must be a postgresql:// URI");
  }
  o.database = poolOptions(cfg, "database");
  o.statementTimeoutMs = static_cast<int>(cfg.getInt("database.statement_timeout_ms", 0, 86400000));
  o.connectTimeoutS = static_cast<int>(cfg.getInt("database.connect_timeout_s", 1, 600));
  o.redisUrl = cfg.getString("redis.url");
  if (!o.redisUrl.empty()) {
    try {
      o.redis = RedisUrl::parse(o.redisUrl);
    } catch (const std::exception& e) {
      throw config::ConfigError(std::string("redis.url: ") + e.what());
    }
  }
  o.redisPool = poolOptions(cfg, "redis");
  o.redisConnectTimeoutMs = static_cast<int>(cfg.getInt("redis.connect_timeout_ms", 1, 600000));
  o.redisCommandTimeoutMs = static_cast<int>(cfg.getInt("redis.command_timeout_ms", 1, 600000));
  o.redisValidateIdleMs = static_cast<int>(cfg.getInt("redis.validate_idle_ms", 0, 600000));
  return o;
}

Resources::Resources(const ResourcesOptions& o, metrics::Metrics& metrics) {
  if (!o.databaseUrl.empty()) {
    // UTC sessions: timestamptz text comes back as +00 and parses without a zone table.
    std::string options =
        "-c TimeZone=UTC -c statement_timeout=" + std::to_string(o.statementTimeoutMs);
    postgres_ = std::make_unique<PgPool>(
        "postgresql", o.database,
        [url = o.databaseUrl, options, connectTimeout = o.connectTimeoutS] {
          return std::make_unique<PgConnection>(url, options, connectTimeout);
        },
        [](PgConnection& c) { return c.alive(); });
  }
  if (!o.redisUrl.empty()) {
    redis_ = std::make_unique<RedisPool>(
        "redis", o.redisPool,
        [url = o.redis, connectTimeout = o.redisConnectTimeoutMs,
         commandTimeout = o.redisCommandTimeoutMs] {
          return std::make_unique<RedisConnection>(url, connectTimeout, commandTimeout);
        },
        [idleCheck = o.redisValidateIdleMs](RedisConnection& c) { return c.alive(idleCheck); });
  }
  metrics.registerGauge(
      "portico_pool_connections", "Pooled connections by pool and state.", [this] {
        std::vector<std::pair<metrics::Labels, double>> out;
        auto add = [&out](const std::string& pool, int inUse, int idle) {
          out.push_back({{{"pool", pool}, {"state", "in_use"}}, static_cast<double>(inUse)});
          out.push_back({{{"pool", pool}, {"state", "idle"}}, static_cast<double>(idle)});
        };
        if (postgres_) add("postgresql", postgres_->inUse(), postgres_->idle());
        if (redis_) add("redis", redis_->inUse(), redis_->idle());
        return out;
      });
}

void Resources::warmUp() {
  auto logger = log::get("resources");
  if (postgres_ && !postgres_->warmUp())
    logger->warn("PostgreSQL not reachable yet; will retry on demand");
  if (redis_ && !redis_->warmUp()) logger->warn("Redis not reachable yet; will retry on demand");
}

std::vector<Probe> Resources::probe() {
  std::vector<Probe> out;
  if (postgres_) {
    out.push_back(timed("postgresql", [this] {
      postgres_->withConnection([](PgConnection& c) { c.execute("SELECT 1", {}); });
    }));
  }
  if (redis_) {
    out.push_back(timed("redis", [this] {
      redis_->withConnection([](RedisConnection& c) {
        if (!c.command({"PING"})->isSimpleString()) throw std::runtime_error("PING refused");
      });
    }));
  }
  return out;
}

}  // namespace portico::resources
