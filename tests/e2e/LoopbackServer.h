/* SPDX-License-Identifier: Apache-2.0 */
// A Poco HTTPServer on 127.0.0.1 with a port of its own, for the real peers tests call
// (HttpPeer, FakeProvider): keep-alive, up to 32 connections at once.
#pragma once

#include <cstdint>
#include <memory>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class HTTPServer;
class HTTPRequestHandlerFactory;
}  // namespace Poco::Net

namespace e2e {

class LoopbackServer {
 public:
  // Takes the factory; serves at once.
  explicit LoopbackServer(Poco::Net::HTTPRequestHandlerFactory* factory);
  // Stops accepting, ends the connections and joins the server's threads: tell handlers that
  // wait to stop before this runs.
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  uint16_t port_ = 0;
  std::unique_ptr<Poco::ThreadPool> threads_;  // outlives server_
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace e2e
