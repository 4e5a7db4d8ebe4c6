/* SPDX-License-Identifier: Apache-2.0 */
// A real HTTP server on loopback standing in for an OpenAI-compatible provider and for
// Replicate (Poco's HTTPServer), driven by the model a request names:
//   POST /v1/chat/completions
//     m-ok       200, "answer to: <last message>", usage 12 in / 5 out; streamed as events with
//                the usage chunk last when stream_options.include_usage asks for it
//     m-nousage  as m-ok, but a stream never carries usage
//     m-gated    streams its first event, then waits for release() before the rest
//     m-slow     streams its first event, then stays silent until its client goes away
//     m-late     answers as m-ok after 1.5 s
//     m-429      429 with Retry-After: 1 on the first call, then as m-ok
//     m-401 / m-500 / m-400   that status every time, with an OpenAI error body
//   POST /v1/models/acme/{name}/predictions   201, a new prediction "starting"
//   GET  /v1/predictions/{id}    "painter": processing once, then succeeded; "waiter": processing
//   POST /v1/predictions/{id}/cancel
// Anything else is 404. It counts calls per model and keeps what it was sent.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "LoopbackServer.h"
#include "portico/json.hpp"

namespace e2e {

class FakeProvider {
 public:
  FakeProvider();
  ~FakeProvider();
  FakeProvider(const FakeProvider&) = delete;
  FakeProvider& operator=(const FakeProvider&) = delete;

  std::string baseUrl() const;  // http://127.0.0.1:<port>/v1
  int calls(const std::string& model) const;
  std::vector<portico::json::Value> bodies(const std::string& model) const;
  std::vector<std::string> authorizations() const;
  // Lets m-gated streams go on.
  void release();
  // How many m-slow streams saw their client go away.
  int disconnects() const { return disconnects_.load(); }
  // Predictions cancelled through the API, by id.
  std::vector<std::string> cancelled() const;

  // Used by the request handler.
  struct Seen;
  Seen& seen() { return *seen_; }
  bool waitForRelease() const;
  bool stopping() const { return stopping_.load(); }
  std::atomic<int> disconnects_{0};

 private:
  std::atomic<bool> stopping_{false};
  std::unique_ptr<Seen> seen_;
  std::unique_ptr<LoopbackServer> server_;
};

struct FakeProvider::Seen {
  mutable std::mutex mutex;
  std::condition_variable released;
  bool open = false;
  std::map<std::string, std::vector<portico::json::Value>> bodies;
  std::vector<std::string> authorizations;
  std::map<std::string, int> polls;            // per prediction
  std::map<std::string, std::string> modelOf;  // prediction -> model name
  std::vector<std::string> cancelled;
  int predictions = 0;
};

}  // namespace e2e
