// SPDX-License-Identifier: Apache-2.0
#include "LoopbackServer.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

namespace e2e {

LoopbackServer::LoopbackServer(Poco::Net::HTTPRequestHandlerFactory* factory) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(32);
  params->setKeepAlive(true);
  threads_ = std::make_unique<Poco::ThreadPool>(2, 32);
  server_ = std::make_unique<Poco::Net::HTTPServer>(factory, *threads_, socket, params);
  server_->start();
}

LoopbackServer::~LoopbackServer() {
  server_->stopAll(true);
  threads_->joinAll();
  server_.reset();
}

}  // namespace e2e
