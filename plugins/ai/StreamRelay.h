/* SPDX-License-Identifier: Apache-2.0 */
// Streamed chat completions: the provider's events reach the client as they arrive, never
// gathered first. A host handler's response starts only when the handler returns, so the
// upstream call runs on a thread of the plugin's: the handler waits for the first event (or
// for every model of the chain to fail, which then answers as an ordinary error), opens the
// event stream and returns; the thread goes on writing. The client going away (the stream's
// on_close) cancels the upstream call at once (ABI 1.6 is_cancelled). Threads are joined when
// the plugin is destroyed, after every stream of its generation has ended.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

#include "Gateway.h"

namespace ai_plugin {

// What the relay hands back once a streamed reply has ended, to be charged (and cached).
struct StreamEnd {
  const Model* model = nullptr;
  Usage usage;
  std::string content;
  std::string finishReason;
  bool complete = false;  // [DONE] arrived: the reply is whole, fit to cache
};

class StreamRelay {
 public:
  StreamRelay(const Gateway& gateway, const portico::Host& host, size_t maxStreams,
              std::chrono::milliseconds firstEventTimeout);
  ~StreamRelay();  // joins the threads
  StreamRelay(const StreamRelay&) = delete;
  StreamRelay& operator=(const StreamRelay&) = delete;

  // Answers res with the streamed reply, or throws HttpError as Gateway::complete does (503
  // when maxStreams are already running). onEnd runs on the relay's thread once the stream has
  // ended, whatever ended it.
  void relay(const ChatRequest& request, const Model& model, portico::Response& res,
             std::function<void(const StreamEnd&)> onEnd);

 private:
  struct Call;
  void reap();

  const Gateway& gateway_;
  const portico::Host& host_;
  const size_t maxStreams_;
  const std::chrono::milliseconds firstEventTimeout_;
  std::mutex mutex_;
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> finished;
  };
  std::list<Worker> workers_;
};

}  // namespace ai_plugin
