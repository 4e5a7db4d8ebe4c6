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

// A connection as the server's stop sees it.
class OpenConnection {
 public:
  virtual ~OpenConnection() = default;
  // Closes the connection if it is waiting for a request; one in the middle of a request closes
  // after answering it. Callable from any thread.
  virtual void closeWhenIdle() = 0;
};

struct ServerShared {
  ServerShared(ServerOptions o, Handler& h, Observer* obs)
      : options(std::move(o)), handler(h), observer(obs) {}

  ServerOptions options;
  Handler& handler;
  Observer* observer;
  std::atomic<bool> stopping{false};

  void enroll(OpenConnection* c, std::weak_ptr<OpenConnection> handle);
  void withdraw(OpenConnection* c);
  size_t openCount();
  void closeIdle();

 private:
  std::mutex mutex_;
  std::unordered_map<OpenConnection*, std::weak_ptr<OpenConnection>> open_;
};

}  // namespace portico::http
