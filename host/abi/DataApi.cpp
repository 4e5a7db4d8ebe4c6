// SPDX-License-Identifier: Apache-2.0
#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Type.h>

#include <deque>
#include <string>
#include <vector>

#include "abi/DbValues.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "abi/Leases.h"
#include "resources/Resources.h"

using portico::resources::PgConnection;
using portico::resources::PgError;
using portico::resources::PoolUnavailable;
using portico::resources::RedisConnection;

struct portico_db : portico::abi::Lease {
  portico::resources::PgPool* pool = nullptr;
  std::unique_ptr<PgConnection> conn;
  bool broken = false;

  void giveBack() noexcept override {
    if (!conn) return;
    if (!broken && conn->inTransaction()) {
      try {
        conn->command("ROLLBACK");
      } catch (const std::exception&) {
        broken = true;
      }
    }
    pool->giveBack(std::move(conn), !broken);
  }
  const char* kind() const override { return "postgresql"; }
};

struct portico_db_rows {
  portico::resources::PgResult result;
  std::deque<std::string> scratch;  // decoded bytea values handed out
};

struct portico_redis : portico::abi::Lease {
  portico::resources::RedisPool* pool = nullptr;
  std::unique_ptr<RedisConnection> conn;
  bool broken = false;

  void giveBack() noexcept override {
    if (conn) pool->giveBack(std::move(conn), !broken);
  }
  const char* kind() const override { return "redis"; }
};

struct portico_redis_reply {
  portico_redis_type type = PORTICO_REDIS_NIL;
  int64_t integer = 0;
  std::string text;
  std::vector<portico_redis_reply> elements;
};

namespace portico::abi {
namespace {

// Leases a session of `Lease` (portico_db or portico_redis) from the pool `which` names,
// registering it with the generation and with the call whose context it was taken through.
template <typename Lease, typename Pool>
portico_status acquire(portico_host_ctx* ctx, uint32_t timeoutMs, Lease** out, portico_error* err,
                       Pool* (resources::Resources::*which)(), const char* missing) {
  return guarded(err, [&] {
    if (ctx == nullptr || out == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    Pool* pool =
        ctx->plugin->services->resources ? (ctx->plugin->services->resources->*which)() : nullptr;
    if (pool == nullptr) {
      portico_error_set(err, missing);
      return PORTICO_ERR_UNAVAILABLE;
    }
    auto lease = std::make_unique<Lease>();
    lease->pool = pool;
    lease->conn =
        pool->borrow(timeoutMs ? static_cast<int>(timeoutMs) : pool->options().borrowTimeoutMs);
    *out = lease.get();
    ctx->plugin->leases->add(lease.release(), ctx->scope);
    return PORTICO_OK;
  });
}

// --- PostgreSQL ---------------------------------------------------------------------------

portico_status dbAcquire(portico_host_ctx* ctx, uint32_t timeoutMs, portico_db** db,
                         portico_error* err) {
  return acquire(ctx, timeoutMs, db, err, &resources::Resources::postgres,
                 "no database configured (database.url is empty)");
}

// Runs one statement on the lease; a lost connection is marked so it is not pooled again.
template <typename F>
portico_status onSession(portico_db* db, portico_error* err, F&& body) {
  if (db == nullptr || !db->conn) {
    portico_error_set(err, "database lease is not open");
    return PORTICO_ERR_WRONG_STATE;
  }
  return guarded(err, [&] {
    try {
      return body(*db->conn);
    } catch (const PgError& e) {
      portico_error_set(err, e.what());
      if (e.connectionLost()) {
        db->broken = true;
        return PORTICO_ERR_UNAVAILABLE;
      }
      return PORTICO_ERR_QUERY;
    }
  });
}

std::vector<resources::PgParam> toParams(const portico_value* params, size_t n) {
  if (params == nullptr && n > 0) throw std::invalid_argument("params is NULL but n_params > 0");
  std::vector<resources::PgParam> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(toParam(params[i]));
  return out;
}

void dbRelease(portico_db* db) {
  if (db != nullptr && db->registry != nullptr) db->registry->release(db);
}

portico_status dbExecute(portico_db* db, portico_str sql, const portico_value* params, size_t n,
                         uint64_t* affected, portico_error* err) {
  return onSession(db, err, [&](PgConnection& c) {
    auto result = c.execute(std::string(sv(sql)), toParams(params, n));
    if (affected) *affected = result.affected();
    return PORTICO_OK;
  });
}

portico_status dbQuery(portico_db* db, portico_str sql, const portico_value* params, size_t n,
                       portico_db_rows** rows, portico_error* err) {
  if (rows == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  return onSession(db, err, [&](PgConnection& c) {
    *rows = new portico_db_rows{c.execute(std::string(sv(sql)), toParams(params, n)), {}};
    return PORTICO_OK;
  });
}

size_t dbRowsCount(const portico_db_rows* r) {
  return r ? static_cast<size_t>(r->result.rows()) : 0;
}
size_t dbRowsColumns(const portico_db_rows* r) {
  return r ? static_cast<size_t>(r->result.columns()) : 0;
}

portico_str dbRowsColumnName(const portico_db_rows* r, size_t column) {
  if (r == nullptr || column >= dbRowsColumns(r)) return portico_str{"", 0};
  const char* name = r->result.columnName(static_cast<int>(column));
  return portico_str{name, std::char_traits<char>::length(name)};
}

portico_status dbRowsGet(const portico_db_rows* r, size_t row, size_t column, portico_value* out) {
  if (r == nullptr || out == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (row >= dbRowsCount(r) || column >= dbRowsColumns(r)) return PORTICO_ERR_NOT_FOUND;
  // The scratch deque only grows (bytea decoded on demand); rows are single-threaded per the ABI.
  auto& scratch = const_cast<portico_db_rows*>(r)->scratch;
  *out = cellValue(r->result, static_cast<int>(row), static_cast<int>(column), scratch);
  return PORTICO_OK;
}

void dbRowsFree(portico_db_rows* r) {
  delete r;
}

portico_status dbCommand(portico_db* db, const char* sql, portico_error* err) {
  return onSession(db, err, [&](PgConnection& c) {
    c.command(sql);
    return PORTICO_OK;
  });
}

portico_status dbBegin(portico_db* db, portico_error* err) {
  return dbCommand(db, "BEGIN", err);
}
portico_status dbCommit(portico_db* db, portico_error* err) {
  return dbCommand(db, "COMMIT", err);
}
portico_status dbRollback(portico_db* db, portico_error* err) {
  return dbCommand(db, "ROLLBACK", err);
}

// --- Redis ----------------------------------------------------------------------------------

portico_status redisAcquire(portico_host_ctx* ctx, uint32_t timeoutMs, portico_redis** redis,
                            portico_error* err) {
  return acquire(ctx, timeoutMs, redis, err, &resources::Resources::redis,
                 "no Redis configured (redis.url is empty)");
}

void redisRelease(portico_redis* r) {
  if (r != nullptr && r->registry != nullptr) r->registry->release(r);
}

// The concrete Poco type behind a reply whose type() said which it is.
template <typename T>
const T& valueOf(const Poco::Redis::RedisType::Ptr& reply) {
  return static_cast<const Poco::Redis::Type<T>*>(reply.get())->value();
}

portico_redis_reply convert(const Poco::Redis::RedisType::Ptr& reply) {
  using Poco::Redis::RedisType;
  portico_redis_reply out;
  if (reply.isNull()) return out;
  switch (reply->type()) {
    case RedisType::REDIS_SIMPLE_STRING:
      out.type = PORTICO_REDIS_STATUS;
      out.text = valueOf<std::string>(reply);
      break;
    case RedisType::REDIS_ERROR:
      out.type = PORTICO_REDIS_ERROR;
      out.text = valueOf<Poco::Redis::Error>(reply).getMessage();
      break;
    case RedisType::REDIS_INTEGER:
      out.type = PORTICO_REDIS_INTEGER;
      out.integer = valueOf<Poco::Int64>(reply);
      break;
    case RedisType::REDIS_BULK_STRING: {
      const auto& bulk = valueOf<Poco::Redis::BulkString>(reply);
      if (!bulk.isNull()) {
        out.type = PORTICO_REDIS_STRING;
        out.text = bulk.value();
      }
      break;
    }
    case RedisType::REDIS_ARRAY: {
      const auto& array = valueOf<Poco::Redis::Array>(reply);
      if (!array.isNull()) {
        out.type = PORTICO_REDIS_ARRAY;
        for (const auto& element : array) out.elements.push_back(convert(element));
      }
      break;
    }
    default:
      break;
  }
  return out;
}

portico_status redisCommand(portico_redis* r, const portico_str* argv, size_t argc,
                            portico_redis_reply** reply, portico_error* err) {
  if (r == nullptr || !r->conn) {
    portico_error_set(err, "redis lease is not open");
    return PORTICO_ERR_WRONG_STATE;
  }
  if (reply == nullptr || argv == nullptr || argc == 0) return PORTICO_ERR_INVALID_ARGUMENT;
  return guarded(err, [&] {
    std::vector<std::string> args;
    args.reserve(argc);
    for (size_t i = 0; i < argc; ++i) args.emplace_back(sv(argv[i]));
    Poco::Redis::RedisType::Ptr raw;
    try {
      raw = r->conn->command(args);
    } catch (const std::exception& e) {
      // The connection's state is unknown after an I/O failure: never pool it again.
      r->broken = true;
      portico_error_set(err, (std::string("redis connection failed: ") + e.what()).c_str());
      return PORTICO_ERR_UNAVAILABLE;
    }
    *reply = new portico_redis_reply(convert(raw));
    return PORTICO_OK;
  });
}

portico_redis_type redisReplyType(const portico_redis_reply* r) {
  return r ? r->type : PORTICO_REDIS_NIL;
}
int64_t redisReplyInteger(const portico_redis_reply* r) {
  return r ? r->integer : 0;
}
portico_str redisReplyString(const portico_redis_reply* r) {
  return r ? portico_str{r->text.data(), r->text.size()} : portico_str{"", 0};
}
size_t redisReplyLength(const portico_redis_reply* r) {
  return r ? r->elements.size() : 0;
}
const portico_redis_reply* redisReplyElement(const portico_redis_reply* r, size_t i) {
  return (r && i < r->elements.size()) ? &r->elements[i] : nullptr;
}
void redisReplyFree(portico_redis_reply* r) {
  delete r;
}

}  // namespace

void fillDataApi(portico_host_api& api) {
  api.db_acquire = &dbAcquire;
  api.db_release = &dbRelease;
  api.db_execute = &dbExecute;
  api.db_query = &dbQuery;
  api.db_rows_count = &dbRowsCount;
  api.db_rows_columns = &dbRowsColumns;
  api.db_rows_column_name = &dbRowsColumnName;
  api.db_rows_get = &dbRowsGet;
  api.db_rows_free = &dbRowsFree;
  api.db_begin = &dbBegin;
  api.db_commit = &dbCommit;
  api.db_rollback = &dbRollback;
  api.redis_acquire = &redisAcquire;
  api.redis_release = &redisRelease;
  api.redis_command = &redisCommand;
  api.redis_reply_type = &redisReplyType;
  api.redis_reply_integer = &redisReplyInteger;
  api.redis_reply_string = &redisReplyString;
  api.redis_reply_length = &redisReplyLength;
  api.redis_reply_element = &redisReplyElement;
  api.redis_reply_free = &redisReplyFree;
}

}  // namespace portico::abi
