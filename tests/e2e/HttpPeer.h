/* SPDX-License-Identifier: Apache-2.0 */
// A real HTTP server on loopback for the outbound tests to call (Poco's HTTPServer), scripted by
// its paths:
//   /ok                         200, the request's method, headers and body as JSON
//   /flaky/KEY?fail=N&status=S&retry_after=R
//                               the first N calls for KEY answer S (with Retry-After: R if given),
//                               then 200 "recovered"
//   /always/STATUS/KEY          STATUS every time
//   /slow?ms=N                  200 after N ms
//   /stream?chunks=N&gap_ms=M   200 with N chunks of "chunk-i\n", M ms apart, flushed each
//   /redirect?to=URL&status=S   S (default 302) to URL
// and counting the calls per path (without the query), which the tests read.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include "LoopbackServer.h"

namespace e2e {

class HttpPeer {
 public:
  HttpPeer();
  ~HttpPeer();
  HttpPeer(const HttpPeer&) = delete;
  HttpPeer& operator=(const HttpPeer&) = delete;

  uint16_t port() const { return server_->port(); }
  std::string url(const std::string& path) const;
  int hits(const std::string& path) const;
  // Counts one call; for /flaky, returns how many came before it.
  int count(const std::string& path);
  // Sleeps up to ms, less when the peer is being stopped; false then.
  bool pause(int ms) const;

 private:
  // A handler still running after the test has ended would touch what static destructors freed:
  // the destructor stops the sleeps and joins the server's own threads.
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::map<std::string, int> hits_;
  std::unique_ptr<LoopbackServer> server_;
};

}  // namespace e2e
