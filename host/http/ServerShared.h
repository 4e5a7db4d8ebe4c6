/* SPDX-License-Identifier: Apache-2.0 */
// What a server's connections share with it: options, the handler and the register of open
// connections that a stop walks.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "http/Exchange.h"
#include "http/ServerOptions.h"

namespace portico::http {

struct ServerShared;

// A connection as the server sees it: counted (Observer) and enrolled for a stop from start()
// until it is destroyed.
class OpenConnection {
 public:
  explicit OpenConnection(std::shared_ptr<ServerShared> shared) : shared_(std::move(shared)) {}
  virtual ~OpenConnection();
  OpenConnection(const OpenConnection&) = delete;
  OpenConnection& operator=(const OpenConnection&) = delete;

  // Closes the connection if it is waiting for a request (a stream: ends it); one in the middle
  // of a request closes after answering it. Callable from any thread.
  virtual void closeWhenIdle() = 0;

 protected:
  // Once, from the connection's start, with its weak_from_this().
  void enroll(std::weak_ptr<OpenConnection> self);

  std::shared_ptr<ServerShared> shared_;

 private:
  bool enrolled_ = false;
};

struct ServerShared {
  ServerShared(ServerOptions o, Handler& h, Observer* obs)
      : options(std::move(o)), handler(h), observer(obs) {}

  ServerOptions options;
  Handler& handler;
  Observer* observer;
  std::shared_ptr<TlsContext> tls;  // null: plain TCP
  // Draining: responses say `Connection: close`. Then closing idle: no connection waits for
  // another request.
  std::atomic<bool> stopping{false};
  std::atomic<bool> closingIdle{false};

  void enroll(OpenConnection* c, std::weak_ptr<OpenConnection> handle);
  void withdraw(OpenConnection* c);
  size_t openCount();
  void closeIdle();

 private:
  std::mutex mutex_;
  std::unordered_map<OpenConnection*, std::weak_ptr<OpenConnection>> open_;
};

}  // namespace portico::http
