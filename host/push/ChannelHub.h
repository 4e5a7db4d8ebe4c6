/* SPDX-License-Identifier: Apache-2.0 */
// Push channels (ABI 1.5 channel_publish, stream_subscribe): named channels such as "user:42"
// whose messages reach every stream subscribed to them on every porticod that shares a Redis.
// The bus (ChannelBus.h) carries them between hosts and keeps a short log of each channel; this
// hub fans each message out to this host's subscribers and tells the bus which channels it holds.
// A subscription is made once the bus confirms it: from then on no message is missed while the
// host stays connected, and a stream that asked for it first gets what the log holds after the
// id it last saw (Last-Event-ID). Delivery to a stream is at most once: a full send buffer drops.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/Stream.h"
#include "push/ChannelBus.h"

namespace portico::push {

// How a stream takes a channel's messages.
struct ChannelDelivery {
  // Server-sent events carry `id: <message id><idSuffix>`, first an `id:` line alone naming
  // where the stream starts, so that a reconnecting EventSource sends Last-Event-ID.
  bool ids = false;
  std::string idSuffix;
  // Before the live messages: what the channel's log holds after this id.
  std::optional<std::string> after;
};

class ChannelHub {
 public:
  using Delivery = ChannelDelivery;

  // Without a bus (no Redis) publish() throws resources::PoolUnavailable and subscriptions are
  // made at once (nothing can be published to them).
  void setBus(ChannelBus* bus) { bus_ = bus; }

  // [A-Za-z0-9:._-]{1,128}
  static bool validName(std::string_view channel);

  // Throws resources::PoolUnavailable without Redis, or what Redis throws. Returns the id.
  std::string publish(const std::string& channel, const std::string& data);
  // Waits (at most `timeout`) until the bus confirms the channel and the stream has had its
  // replay: true, and every message published from then on reaches it. False when it did not
  // happen in time (Redis unreachable): the stream is then not subscribed. Call it from a thread
  // that may wait a Redis round trip, never the bus's delivery thread.
  bool subscribe(const std::string& channel, const std::shared_ptr<http::Stream>& stream,
                 Delivery delivery = {},
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  // From the bus, on its delivery thread.
  void deliver(const std::string& channel, const ChannelMessage& message);
  void subscribed(const std::string& channel);

  // Server-sent events framing of one message: `id:` when given, and a `data:` line per line.
  static std::string sseEvent(std::string_view data, std::string_view id = {});

  uint64_t delivered() const { return delivered_.load(); }
  // Messages that found no open stream of their channel on this host.
  uint64_t undelivered() const { return undelivered_.load(); }
  // Messages a subscriber's full send buffer refused.
  uint64_t dropped() const { return dropped_.load(); }
  // Channels this host holds a stream of.
  size_t channels();

 private:
  struct Member {
    std::weak_ptr<http::Stream> stream;
    Delivery delivery;
    std::string cursor;  // the last message id it was given (ids only); delivery thread only
    bool active = false;
  };
  struct Channel {
    std::vector<std::shared_ptr<Member>> members;
    bool confirmed = false;  // the bus confirmed the subscription
  };

  // Delivery thread: replays and marks the member active.
  void activate(const std::string& channel, const std::shared_ptr<Member>& member);
  void leave(const std::string& channel, const std::shared_ptr<Member>& member);
  void send(Member& member, http::Stream& stream, const ChannelMessage& message);

  ChannelBus* bus_ = nullptr;
  std::mutex mutex_;
  std::condition_variable activated_;
  std::unordered_map<std::string, Channel> channels_;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> undelivered_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace portico::push
