/* SPDX-License-Identifier: Apache-2.0 */
// Push channels on Redis. A message is published once (channel_publish, from any host) and then:
//   - appended to the channel's log, the Redis stream portico:push:log:<channel>, which keeps the
//     last `replayMessages` of them for `replayWindowS` and gives each its id (XADD's, so ids
//     grow within a channel): what a client that reconnects with Last-Event-ID missed;
//   - published on the pub/sub channel portico:push:<channel> with its id, in the same script.
// A host subscribes only to the channels its own streams hold (want/drop): SUBSCRIBE as the first
// stream of a channel joins, UNSUBSCRIBE as the last leaves, so that a message reaches the hosts
// with someone to give it to and no other. One connection listens; one delivery thread hands
// messages, confirmations and notices on, in the order they came.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "bus/ControlChannel.h"
#include "resources/Resources.h"

namespace portico::push {

struct ChannelMessage {
  std::string id;  // "<ms>-<seq>"; empty for a message published without one (an older host)
  std::string data;
};

struct ChannelBusOptions {
  size_t replayMessages = 100;
  int replayWindowS = 300;
  size_t queueLimit = 100000;  // messages waiting for the delivery thread; more are dropped
};

class ChannelBus {
 public:
  struct Handlers {
    // A message of a channel this host wants.
    std::function<void(const std::string& channel, const ChannelMessage& message)> message;
    // Redis confirmed this host's subscription to the channel: after want(), and again after the
    // connection was lost and made anew (messages published meanwhile were not seen).
    std::function<void(const std::string& channel)> subscribed;
    // A message on one of the fixed `noticeChannels` (whole Redis channel names, outside the
    // push prefix, so that no plugin can publish there).
    std::function<void(const std::string& channel, const std::string& text)> notice;
    // The connection was made anew after it had been lost.
    std::function<void()> reconnected;
  };

  ChannelBus(resources::RedisUrl url, resources::RedisPool& pool, ChannelBusOptions options,
             std::vector<std::string> noticeChannels, Handlers handlers);
  ~ChannelBus();

  void start();
  void stop();
  // Until the first subscription is made (false after `timeout`), published messages are missed.
  bool waitConnected(std::chrono::milliseconds timeout);

  // Throws on a Redis failure (resources::PoolUnavailable without a pool connection). Returns the
  // message's id.
  std::string publish(const std::string& channel, const std::string& data);
  // What the channel's log holds after `afterId` (at most replayMessages, oldest first); throws on
  // a Redis failure.
  std::vector<ChannelMessage> since(const std::string& channel, const std::string& afterId);
  // The id of the channel's newest logged message, "0-0" when the log is empty.
  std::string newest(const std::string& channel);

  // Subscribe to, or leave, a channel (asynchronous; `subscribed` confirms).
  void want(const std::string& channel);
  void drop(const std::string& channel);
  // Runs `task` on the delivery thread after everything received so far.
  void post(std::function<void()> task);

  uint64_t received() const { return received_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

  static constexpr const char* kPrefix = "portico:push:";
  static constexpr const char* kLogPrefix = "portico:push:log:";

 private:
  struct Item {
    enum class Kind { Message, Subscribed, Notice, Reconnected, Task } kind = Kind::Task;
    std::string channel;
    ChannelMessage message;
    std::function<void()> task;
  };

  void listen();
  void work();
  // Messages (bounded) may be dropped when the delivery thread falls behind; what streams wait
  // for (confirmations, tasks) never is.
  void enqueue(Item item, bool bounded);
  // Brings the connection's subscriptions to wanted_; replies the commands read go to `replies`.
  void sync(resources::RedisConnection& conn, std::deque<Poco::Redis::RedisType::Ptr>& replies);
  void nudge();

  resources::RedisUrl url_;
  resources::RedisPool& pool_;
  ChannelBusOptions options_;
  std::vector<std::string> noticeChannels_;
  Handlers handlers_;
  bus::ControlChannel control_;  // tells the listener to look at changes_ ("sync"), or to leave

  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> dropped_{0};

  std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::condition_variable connectedCv_;
  bool connected_ = false;
  std::unordered_set<std::string> wanted_;
  std::vector<std::string> changes_;  // channels whose wanted state changed since the last sync
  bool nudged_ = false;               // a sync is asked for and not yet made
  std::deque<Item> queue_;

  // The listener's own: what its connection is subscribed to.
  std::unordered_set<std::string> subscribedHere_;
  std::thread listener_;
  std::thread worker_;
};

// "<ms>-<seq>" as two numbers, nullopt when it is not one.
std::optional<std::pair<uint64_t, uint64_t>> parseMessageId(std::string_view id);

}  // namespace portico::push
