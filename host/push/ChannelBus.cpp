// SPDX-License-Identifier: Apache-2.0
#include "push/ChannelBus.h"

#include <algorithm>
#include <charconv>

#include "log/Logging.h"
#include "resources/redis/RedisReply.h"

namespace portico::push {

namespace {

// On pub/sub a message travels as NUL "id:" <id> LF <data>: no text message starts with NUL, so
// one published by an older host (bare data) is still told apart.
const std::string kIdEnvelope("\0id:", 4);

// KEYS[1] the log, KEYS[2] the pub/sub channel; ARGV: data, most messages kept, window in ms.
// TIME inside a script is allowed since Redis 5 (scripts replicate their effects).
const char* const kPublish = R"lua(
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'd', ARGV[1])
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[3])
if oldest > 0 then redis.call('XTRIM', KEYS[1], 'MINID', tostring(oldest)) end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[2], ARGV[4] .. id .. '\n' .. ARGV[1])
return id
)lua";

// SUBSCRIBE and UNSUBSCRIBE take many channels; this many per command keeps each one small.
constexpr size_t kPerCommand = 512;

ChannelMessage unwrap(const std::string& payload) {
  if (payload.compare(0, kIdEnvelope.size(), kIdEnvelope) != 0) return {{}, payload};
  size_t end = payload.find('\n', kIdEnvelope.size());
  if (end == std::string::npos) return {{}, payload};
  return {payload.substr(kIdEnvelope.size(), end - kIdEnvelope.size()), payload.substr(end + 1)};
}

// XRANGE's entries: [id, [field, value, ...]]; the message is field "d".
std::vector<ChannelMessage> entries(const Poco::Redis::RedisType::Ptr& reply) {
  std::vector<ChannelMessage> out;
  for (const auto& entry : resources::replyElements(reply)) {
    auto parts = resources::replyElements(entry);
    if (parts.size() != 2) continue;
    auto fields = resources::replyElements(parts[1]);
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (resources::replyText(fields[i]) == "d") {
        out.push_back({resources::replyText(parts[0]), resources::replyText(fields[i + 1])});
      }
    }
  }
  return out;
}

}  // namespace

std::optional<std::pair<uint64_t, uint64_t>> parseMessageId(std::string_view id) {
  size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return std::nullopt;
  std::pair<uint64_t, uint64_t> out;
  auto ms = std::from_chars(id.data(), id.data() + dash, out.first);
  auto seq = std::from_chars(id.data() + dash + 1, id.data() + id.size(), out.second);
  if (ms.ec != std::errc() || ms.ptr != id.data() + dash || seq.ec != std::errc() ||
      seq.ptr != id.data() + id.size()) {
    return std::nullopt;
  }
  return out;
}

ChannelBus::ChannelBus(resources::RedisUrl url, resources::RedisPool& pool,
                       ChannelBusOptions options, std::vector<std::string> noticeChannels,
                       Handlers handlers)
    : url_(std::move(url)),
      pool_(pool),
      options_(options),
      noticeChannels_(std::move(noticeChannels)),
      handlers_(std::move(handlers)) {}

ChannelBus::~ChannelBus() {
  stop();
}

void ChannelBus::start() {
  listener_ = std::thread([this] { listen(); });
  worker_ = std::thread([this] { work(); });
}

void ChannelBus::stop() {
  if (stopping_.exchange(true)) return;
  wake_.notify_all();
  // Without Redis the listener is in its reconnect wait, which watches stopping_.
  control_.tell(pool_, "stop", "push");
  if (listener_.joinable()) listener_.join();
  if (worker_.joinable()) worker_.join();
}

bool ChannelBus::waitConnected(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return connectedCv_.wait_for(lock, timeout, [this] { return connected_; });
}

std::string ChannelBus::publish(const std::string& channel, const std::string& data) {
  return pool_.withConnection([&](resources::RedisConnection& c) {
    auto reply = c.command({"EVAL", kPublish, "2", kLogPrefix + channel, kPrefix + channel, data,
                            std::to_string(options_.replayMessages),
                            std::to_string(int64_t{options_.replayWindowS} * 1000), kIdEnvelope});
    resources::throwIfError(reply, "publishing to a push channel");
    return resources::replyText(reply);
  });
}

std::vector<ChannelMessage> ChannelBus::since(const std::string& channel,
                                              const std::string& afterId) {
  return pool_.withConnection([&](resources::RedisConnection& c) {
    auto reply = c.command({"XRANGE", kLogPrefix + channel, "(" + afterId, "+", "COUNT",
                            std::to_string(options_.replayMessages)});
    resources::throwIfError(reply, "reading a push channel's log");
    return entries(reply);
  });
}

std::string ChannelBus::newest(const std::string& channel) {
  return pool_.withConnection([&](resources::RedisConnection& c) {
    auto reply = c.command({"XREVRANGE", kLogPrefix + channel, "+", "-", "COUNT", "1"});
    resources::throwIfError(reply, "reading a push channel's log");
    auto last = entries(reply);
    return last.empty() ? std::string("0-0") : last.front().id;
  });
}

void ChannelBus::want(const std::string& channel) {
  bool nudge;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!wanted_.insert(channel).second) return;
    changes_.push_back(channel);
    nudge = !std::exchange(nudged_, true);
  }
  if (nudge) this->nudge();
}

void ChannelBus::drop(const std::string& channel) {
  bool nudge;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wanted_.erase(channel) == 0) return;
    changes_.push_back(channel);
    nudge = !std::exchange(nudged_, true);
  }
  if (nudge) this->nudge();
}

void ChannelBus::nudge() {
  if (control_.tell(pool_, "sync", "push")) return;
  // The listener makes wanted_ true when it connects again; the next change asks anew.
  std::lock_guard<std::mutex> lock(mutex_);
  nudged_ = false;
}

void ChannelBus::post(std::function<void()> task) {
  Item item{Item::Kind::Task, {}, {}, std::move(task)};
  enqueue(std::move(item), false);
}

void ChannelBus::enqueue(Item item, bool bounded) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (bounded && queue_.size() >= options_.queueLimit) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(item));
  wake_.notify_one();
}

namespace {

// SUBSCRIBE or UNSUBSCRIBE `channels`, a few hundred at a time. Each command's first reply comes
// back here; it and every other reply go through `replies`, in the order they arrived.
void sendMany(resources::RedisConnection& conn, const char* verb,
              const std::vector<std::string>& channels,
              std::deque<Poco::Redis::RedisType::Ptr>& replies) {
  for (size_t at = 0; at < channels.size(); at += kPerCommand) {
    std::vector<std::string> argv{verb};
    size_t end = std::min(channels.size(), at + kPerCommand);
    argv.insert(argv.end(), channels.begin() + static_cast<std::ptrdiff_t>(at),
                channels.begin() + static_cast<std::ptrdiff_t>(end));
    replies.push_back(conn.command(argv));
  }
}

}  // namespace

void ChannelBus::listen() {
  auto logger = log::get("push");
  int backoffMs = 100;
  bool lost = false;
  while (!stopping_) {
    try {
      resources::RedisConnection conn(url_, 2000, 0);
      std::deque<Poco::Redis::RedisType::Ptr> replies;
      std::vector<std::string> first{control_.name()};
      first.insert(first.end(), noticeChannels_.begin(), noticeChannels_.end());
      sendMany(conn, "SUBSCRIBE", first, replies);
      std::vector<std::string> channels;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        subscribedHere_ = wanted_;
        changes_.clear();
        nudged_ = false;
        for (const auto& c : wanted_) channels.push_back(kPrefix + c);
      }
      sendMany(conn, "SUBSCRIBE", channels, replies);
      logger->info("subscribed to {} push channel(s)", channels.size());
      {
        std::lock_guard<std::mutex> lock(mutex_);
        connected_ = true;
      }
      connectedCv_.notify_all();
      if (std::exchange(lost, false)) enqueue({Item::Kind::Reconnected, {}, {}, {}}, false);
      backoffMs = 100;
      while (!stopping_) {
        Poco::Redis::RedisType::Ptr reply;
        if (replies.empty()) {
          reply = conn.readReply();
        } else {
          reply = std::move(replies.front());
          replies.pop_front();
        }
        auto parts = resources::replyElements(reply);
        if (parts.size() < 3) continue;
        std::string kind = resources::replyText(parts[0]);
        std::string channel = resources::replyText(parts[1]);
        bool ours = channel.compare(0, std::string_view(kPrefix).size(), kPrefix) == 0;
        std::string name = ours ? channel.substr(std::string_view(kPrefix).size()) : channel;
        if (kind == "subscribe" && ours) {
          enqueue({Item::Kind::Subscribed, std::move(name), {}, {}}, false);
        } else if (kind == "message" && channel == control_.name()) {
          if (resources::replyText(parts[2]) == "stop") return;
          sync(conn, replies);
        } else if (kind == "message" && ours) {
          ++received_;
          enqueue(
              {Item::Kind::Message, std::move(name), unwrap(resources::replyText(parts[2])), {}},
              true);
        } else if (kind == "message") {
          ChannelMessage text{{}, resources::replyText(parts[2])};
          enqueue({Item::Kind::Notice, std::move(channel), std::move(text), {}}, false);
        }
      }
    } catch (const std::exception& e) {
      if (stopping_) break;
      lost = true;
      logger->warn("push subscription lost ({}); retrying in {} ms", e.what(), backoffMs);
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(backoffMs),
                     [this] { return stopping_.load(); });
      backoffMs = std::min(backoffMs * 2, 2000);
    }
  }
}

void ChannelBus::sync(resources::RedisConnection& conn,
                      std::deque<Poco::Redis::RedisType::Ptr>& replies) {
  std::vector<std::string> join;
  std::vector<std::string> leave;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    nudged_ = false;
    for (const auto& channel : changes_) {
      bool wanted = wanted_.count(channel) != 0;
      bool here = subscribedHere_.count(channel) != 0;
      if (wanted && !here) {
        subscribedHere_.insert(channel);
        join.push_back(kPrefix + channel);
      } else if (!wanted && here) {
        subscribedHere_.erase(channel);
        leave.push_back(kPrefix + channel);
      } else if (wanted) {
        // Left and wanted again before this sync: still subscribed, so confirmed as it is.
        queue_.push_back({Item::Kind::Subscribed, channel, {}, {}});
        wake_.notify_one();
      }
    }
    changes_.clear();
  }
  sendMany(conn, "UNSUBSCRIBE", leave, replies);
  sendMany(conn, "SUBSCRIBE", join, replies);
}

void ChannelBus::work() {
  auto logger = log::get("push");
  for (;;) {
    Item item;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      switch (item.kind) {
        case Item::Kind::Message:
          handlers_.message(item.channel, item.message);
          break;
        case Item::Kind::Subscribed:
          handlers_.subscribed(item.channel);
          break;
        case Item::Kind::Notice:
          handlers_.notice(item.channel, item.message.data);
          break;
        case Item::Kind::Reconnected:
          handlers_.reconnected();
          break;
        case Item::Kind::Task:
          item.task();
          break;
      }
    } catch (const std::exception& e) {
      logger->error("push delivery failed: {}", e.what());
    }
  }
}

}  // namespace portico::push
