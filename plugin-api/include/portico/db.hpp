// SPDX-License-Identifier: MIT
// portico/db.hpp — PostgreSQL for plugins (ABI 1.1): a leased session, typed parameters and
// results, transactions. Part of the header-only SDK; include portico/sdk.hpp.
#ifndef PORTICO_DB_HPP
#define PORTICO_DB_HPP

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portico/sdk.hpp"

namespace portico {

// Typed parameters for what a plain C++ type cannot say on its own.
struct Uuid {
  std::string text;
};
struct Bytes {
  std::string data;
};
struct Jsonb {
  std::string text;
};
struct Timestamp {
  int64_t micros;  // since 1970-01-01T00:00:00Z
};

// One statement parameter; converts implicitly from the types it can carry. Text and bytes are
// referenced, not copied: keep them alive for the call (temporaries in the call expression are).
class Param {
 public:
  Param(std::nullptr_t) { v_.type = PORTICO_TYPE_NULL; }
  template <typename I,
            typename = std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>>>
  Param(I i) {
    v_.type = PORTICO_TYPE_INT64;
    v_.i64 = static_cast<int64_t>(i);
  }
  Param(double d) {
    v_.type = PORTICO_TYPE_DOUBLE;
    v_.f64 = d;
  }
  Param(bool b) {
    v_.type = PORTICO_TYPE_BOOL;
    v_.b = b;
  }
  Param(std::string_view text) : Param(PORTICO_TYPE_TEXT, text) {}
  Param(const char* text) : Param(std::string_view(text)) {}
  Param(const std::string& text) : Param(std::string_view(text)) {}
  Param(const Uuid& u) : Param(PORTICO_TYPE_UUID, u.text) {}
  Param(const Bytes& b) : Param(PORTICO_TYPE_BYTEA, b.data) {}
  Param(const Jsonb& j) : Param(PORTICO_TYPE_JSONB, j.text) {}
  Param(Timestamp t) {
    v_.type = PORTICO_TYPE_TIMESTAMPTZ;
    v_.i64 = t.micros;
  }
  template <typename T>
  Param(const std::optional<T>& o) : Param(o ? Param(*o) : Param(nullptr)) {}

  const portico_value& value() const { return v_; }

 private:
  Param(portico_type type, std::string_view s) {
    v_.type = type;
    v_.str = str(s);
  }
  portico_value v_{};
};

// One cell of a result. Views are valid while the Rows it came from live.
class DbValue {
 public:
  explicit DbValue(const portico_value& v) : v_(v) {}
  portico_type type() const { return v_.type; }
  bool is_null() const { return v_.type == PORTICO_TYPE_NULL; }
  int64_t as_int() const { return expect(PORTICO_TYPE_INT64).i64; }
  double as_double() const { return expect(PORTICO_TYPE_DOUBLE).f64; }
  bool as_bool() const { return expect(PORTICO_TYPE_BOOL).b; }
  int64_t as_timestamp_micros() const { return expect(PORTICO_TYPE_TIMESTAMPTZ).i64; }
  // TEXT, UUID, JSONB as text; BYTEA as raw bytes.
  std::string_view as_text() const {
    if (v_.type != PORTICO_TYPE_TEXT && v_.type != PORTICO_TYPE_UUID &&
        v_.type != PORTICO_TYPE_JSONB && v_.type != PORTICO_TYPE_BYTEA) {
      throw DbError("database value is not text (type " + std::to_string(v_.type) + ")");
    }
    return view(v_.str);
  }

 private:
  const portico_value& expect(portico_type t) const {
    if (v_.type != t) {
      throw DbError("database value has type " + std::to_string(v_.type) + ", not " +
                    std::to_string(t));
    }
    return v_;
  }
  portico_value v_;
};

// The rows of a query; frees them when it goes.
class Rows {
 public:
  Rows(const portico_host_api* api, portico_db_rows* rows) : api_(api), rows_(rows) {}
  Rows(Rows&& o) noexcept : api_(o.api_), rows_(std::exchange(o.rows_, nullptr)) {}
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows& operator=(Rows&&) = delete;
  ~Rows() {
    if (rows_) api_->db_rows_free(rows_);
  }

  size_t size() const { return api_->db_rows_count(rows_); }
  size_t columns() const { return api_->db_rows_columns(rows_); }
  std::string_view column_name(size_t c) const { return view(api_->db_rows_column_name(rows_, c)); }
  DbValue at(size_t row, size_t column) const {
    portico_value v{};
    if (api_->db_rows_get(rows_, row, column, &v) != PORTICO_OK) {
      throw DbError("no cell (" + std::to_string(row) + ", " + std::to_string(column) + ")");
    }
    return DbValue(v);
  }
  DbValue at(size_t row, std::string_view column) const {
    for (size_t c = 0; c < columns(); ++c) {
      if (column_name(c) == column) return at(row, c);
    }
    throw DbError("no column named " + std::string(column));
  }

 private:
  const portico_host_api* api_;
  portico_db_rows* rows_;
};

// A leased PostgreSQL session: acquired by the constructor, released by the destructor. Throws
// HttpError(503) when the database is unavailable or every session stays busy. Take it for the
// call being served, Db db(req) / Db db(job) / Db db(event), so that one left open is reclaimed
// when the call returns; Db db(host) belongs to the generation.
class Db {
 public:
  explicit Db(const Scope& scope, uint32_t timeout_ms = 0) : api_(scope.api) {
    detail::ErrorBuffer e;
    detail::check(api_->db_acquire(scope.ctx, timeout_ms, &db_, &e.err), e.err, "database");
  }
  // Host, Request, Job or Event: whatever has a scope().
  template <typename Owner, typename = decltype(std::declval<const Owner&>().scope())>
  explicit Db(const Owner& owner, uint32_t timeout_ms = 0) : Db(owner.scope(), timeout_ms) {}
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { api_->db_release(db_); }

  // Returns the number of rows affected.
  uint64_t execute(std::string_view sql, std::initializer_list<Param> params = {}) {
    return execute(sql, std::vector<Param>(params));
  }
  // For statements whose parameters are counted at run time.
  uint64_t execute(std::string_view sql, const std::vector<Param>& params) {
    std::vector<portico_value> values = unpack(params);
    uint64_t affected = 0;
    detail::ErrorBuffer e;
    detail::check(api_->db_execute(db_, str(sql), values.data(), values.size(), &affected, &e.err),
                  e.err, "execute");
    return affected;
  }

  Rows query(std::string_view sql, std::initializer_list<Param> params = {}) {
    return query(sql, std::vector<Param>(params));
  }
  Rows query(std::string_view sql, const std::vector<Param>& params) {
    std::vector<portico_value> values = unpack(params);
    portico_db_rows* rows = nullptr;
    detail::ErrorBuffer e;
    detail::check(api_->db_query(db_, str(sql), values.data(), values.size(), &rows, &e.err), e.err,
                  "query");
    return Rows(api_, rows);
  }

  // Rolls back unless commit() was called.
  class Transaction {
   public:
    explicit Transaction(Db& db) : db_(db) { db_.call(db_.api_->db_begin, "begin"); }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
      if (!done_) {
        detail::ErrorBuffer e;
        db_.api_->db_rollback(db_.db_, &e.err);
      }
    }
    void commit() {
      done_ = true;
      db_.call(db_.api_->db_commit, "commit");
    }

   private:
    Db& db_;
    bool done_ = false;
  };

  Transaction begin() { return Transaction(*this); }

 private:
  static std::vector<portico_value> unpack(const std::vector<Param>& params) {
    std::vector<portico_value> out;
    out.reserve(params.size());
    for (const auto& p : params) out.push_back(p.value());
    return out;
  }
  void call(portico_status (*fn)(portico_db*, portico_error*), const char* what) {
    detail::ErrorBuffer e;
    detail::check(fn(db_, &e.err), e.err, what);
  }

  const portico_host_api* api_;
  portico_db* db_ = nullptr;
};

}  // namespace portico

#endif  // PORTICO_DB_HPP
