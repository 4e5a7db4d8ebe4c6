/* SPDX-License-Identifier: Apache-2.0 */
// Push channels (ABI 1.5 channel_publish, stream_subscribe): named channels such as "user:42"
// whose messages reach every stream subscribed to them on every porticod that shares a Redis.
// Redis carries them (a bus of their own, prefix portico:push:, one delivery thread so that a
// channel's messages keep their order); this hub fans each one out to this host's subscribers.
// At most once, like the event bus: a stream not open when a message passes misses it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/Stream.h"

namespace portico::push {

class ChannelHub {
 public:
  using Publisher = std::function<void(const std::string& channel, const std::string& data)>;

  // Without a publisher (no Redis) publish() throws resources::PoolUnavailable.
  void setPublisher(Publisher publisher) { publisher_ = std::move(publisher); }

  // [A-Za-z0-9:._-]{1,128}
  static bool validName(std::string_view channel);

  // Throws resources::PoolUnavailable without Redis.
  void publish(const std::string& channel, const std::string& data);
  void subscribe(const std::string& channel, const std::shared_ptr<http::Stream>& stream);
  // One message from the bus: to every open stream of the channel on this host.
  void deliver(const std::string& channel, const std::string& data);

  // Server-sent events framing of one message: a `data:` line per line of it.
  static std::string sseEvent(std::string_view data);

  uint64_t delivered() const { return delivered_.load(); }
  // Messages that found no open stream of their channel on this host.
  uint64_t undelivered() const { return undelivered_.load(); }
  // Messages a subscriber's full send buffer refused.
  uint64_t dropped() const { return dropped_.load(); }

 private:
  Publisher publisher_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<http::Stream>>> channels_;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> undelivered_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace portico::push
