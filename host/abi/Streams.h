/* SPDX-License-Identifier: Apache-2.0 */
// Streams a plugin makes (ABI 1.5): what a request handler needs to make one, the handle the
// plugin holds, and each generation's register of its open streams, which are closed when the
// generation's drain deadline passes.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http/Stream.h"

namespace portico::push {
class ChannelHub;
}

namespace portico::abi {

struct PluginContext;

// Where a stream made during one request comes from; set by dispatch for every request.
struct StreamOrigin {
  // Keeps the generation, and so the code its callbacks point into, alive while a stream lives.
  std::shared_ptr<void> generation;
  PluginContext* context = nullptr;
  std::string plugin;
  uint64_t generationNumber = 0;
  std::string sha256;
  std::string route;
  std::string requestId;
  bool websocketUpgrade = false;  // the request asks for one
  size_t bufferBytes = 0;         // http.stream_buffer_bytes
};

class StreamRegistry {
 public:
  void add(const std::shared_ptr<http::Stream>& stream);
  // Asks every open stream to end (1012 when a generation is replaced).
  void closeAll(uint16_t code, const std::string& reason);
  size_t open() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::weak_ptr<http::Stream>> streams_;
};

}  // namespace portico::abi

// The plugin's handle on a stream; freed when both the plugin (stream_release) and the host
// (after on_close) have let go of it.
struct portico_stream {
  std::shared_ptr<portico::http::Stream> stream;
  portico::push::ChannelHub* channels = nullptr;
  std::atomic<int> holders{2};

  void release() {
    if (holders.fetch_sub(1) == 1) delete this;
  }
};
