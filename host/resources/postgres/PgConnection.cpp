// SPDX-License-Identifier: Apache-2.0
#include "resources/postgres/PgConnection.h"

#include <poll.h>

#include <cstdlib>

#include "common/Blocking.h"
#include "log/Logging.h"

namespace portico::resources {
namespace {

// Beyond this many distinct statements per connection, forget them all and start again.
constexpr size_t kMaxPrepared = 256;

std::string messageOf(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

uint64_t PgResult::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return (n && *n) ? std::strtoull(n, nullptr, 10) : 0;
}

PgConnection::PgConnection(const std::string& url, const std::string& options,
                           int connectTimeoutS) {
  std::string timeout = std::to_string(connectTimeoutS);
  // Later keywords override what the URI says: our options always apply.
  const char* keys[] = {"dbname", "options", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url.c_str(), options.c_str(), timeout.c_str(), "porticod", nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (conn_ == nullptr) throw PgError("out of memory creating a PostgreSQL connection", "", true);
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string why = messageOf(conn_);
    PQfinish(conn_);
    throw PgError("cannot connect to PostgreSQL: " + why, "08001", true);
  }
  // NOTICEs (e.g. "already exists, skipping") go to the log, not to stderr unformatted.
  PQsetNoticeProcessor(
      conn_, [](void*, const char* message) { log::get("postgresql")->debug("{}", message); },
      nullptr);
  lastUsed = std::chrono::steady_clock::now();
}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

bool PgConnection::alive() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  pollfd p{PQsocket(conn_), POLLIN, 0};
  if (::poll(&p, 1, 0) > 0) {
    // An idle connection has nothing to read unless the server is saying goodbye.
    if (PQconsumeInput(conn_) == 0) return false;
    while (PGnotify* n = PQnotifies(conn_)) PQfreemem(n);
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    if (p.revents & (POLLHUP | POLLERR)) return false;
  }
  return PQstatus(conn_) == CONNECTION_OK;
}

PgError PgConnection::errorFrom(PGresult* result) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  bool lost = PQstatus(conn_) != CONNECTION_OK;
  return PgError(message, state ? state : "", lost);
}

PGresult* PgConnection::checked(PGresult* r) const {
  ExecStatusType status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
  PgError e = errorFrom(r);
  PQclear(r);
  throw e;
}

PgResult PgConnection::execute(const std::string& sql, const std::vector<PgParam>& params) {
  common::BlockingRegion waiting;
  std::string key = sql;
  key.push_back('\0');
  std::vector<Oid> types;
  for (const auto& p : params) {
    types.push_back(p.type);
    key += std::to_string(p.type) + ",";
  }
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) {
      command("DEALLOCATE ALL");
      prepared_.clear();
    }
    std::string name = "portico_" + std::to_string(++nextStatement_);
    PQclear(checked(
        PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data())));
    it = prepared_.emplace(key, name).first;
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  for (const auto& p : params) {
    values.push_back(p.value ? p.value->data() : nullptr);
    lengths.push_back(p.value ? static_cast<int>(p.value->size()) : 0);
    formats.push_back(p.binary ? 1 : 0);
  }
  lastUsed = std::chrono::steady_clock::now();
  return PgResult(checked(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                         values.data(), lengths.data(), formats.data(), 0)));
}

void PgConnection::command(const char* sql) {
  common::BlockingRegion waiting;
  lastUsed = std::chrono::steady_clock::now();
  PQclear(checked(PQexec(conn_, sql)));
}

bool PgConnection::inTransaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

}  // namespace portico::resources
