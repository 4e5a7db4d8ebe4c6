// SPDX-License-Identifier: Apache-2.0
#include "bus/EventBus.h"

#include <chrono>

#include "log/Logging.h"
#include "resources/redis/RedisReply.h"

namespace portico::bus {

EventBus::EventBus(resources::RedisUrl url, resources::RedisPool& pool, std::string prefix,
                   Deliver deliver, int workers, size_t queueLimit)
    : url_(std::move(url)),
      pool_(pool),
      prefix_(std::move(prefix)),
      deliver_(std::move(deliver)),
      workers_(workers),
      queueLimit_(queueLimit) {}

EventBus::~EventBus() {
  stop();
}

void EventBus::start() {
  listener_ = std::thread([this] { listen(); });
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { work(); });
}

void EventBus::stop() {
  if (stopping_.exchange(true)) return;
  wake_.notify_all();
  // Without Redis the listener is in its reconnect wait, which watches stopping_.
  control_.tell(pool_, "stop", "events");
  if (listener_.joinable()) listener_.join();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

bool EventBus::waitSubscribed(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return subscribedCv_.wait_for(lock, timeout, [this] { return subscribed_; });
}

namespace {

const std::string kEnvelope("\0tp:", 4);

std::string wrap(const std::string& payload, const std::string& traceparent) {
  if (traceparent.empty()) return payload;
  return kEnvelope + traceparent + "\n" + payload;
}

// The payload without its envelope, and the traceparent the envelope carried.
std::string unwrap(std::string message, std::string* traceparent) {
  if (message.compare(0, kEnvelope.size(), kEnvelope) != 0) return message;
  size_t end = message.find('\n', kEnvelope.size());
  if (end == std::string::npos) return message;
  *traceparent = message.substr(kEnvelope.size(), end - kEnvelope.size());
  return message.substr(end + 1);
}

}  // namespace

void EventBus::publish(const std::string& topic, const std::string& payload,
                       const std::string& traceparent) {
  pool_.withConnection([&](resources::RedisConnection& c) {
    c.command({"PUBLISH", prefix_ + topic, wrap(payload, traceparent)});
  });
}

void EventBus::listen() {
  auto logger = log::get("events");
  int backoffMs = 100;
  while (!stopping_) {
    try {
      resources::RedisConnection conn(url_, 2000, 0);
      conn.command({"SUBSCRIBE", control_.name()});
      conn.command({"PSUBSCRIBE", prefix_ + "*"});
      logger->info("subscribed to {}*", prefix_);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        subscribed_ = true;
      }
      subscribedCv_.notify_all();
      backoffMs = 100;
      while (!stopping_) {
        auto message = resources::replyElements(conn.readReply());
        if (message.size() == 3 && resources::replyText(message[0]) == "message") {
          return;  // our control channel
        }
        if (message.size() != 4 || resources::replyText(message[0]) != "pmessage") continue;
        std::string topic = resources::replyText(message[2]).substr(prefix_.size());
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.size() >= queueLimit_) {
          ++dropped_;
          continue;
        }
        queue_.emplace_back(std::move(topic), resources::replyText(message[3]));
        wake_.notify_one();
      }
    } catch (const std::exception& e) {
      if (stopping_) break;
      logger->warn("event subscription lost ({}); retrying in {} ms", e.what(), backoffMs);
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(backoffMs),
                     [this] { return stopping_.load(); });
      backoffMs = std::min(backoffMs * 2, 2000);
    }
  }
}

void EventBus::work() {
  for (;;) {
    std::pair<std::string, std::string> event;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    // Counted first: whoever sees the event's effects also sees it counted.
    ++delivered_;
    std::string traceparent;
    std::string payload = unwrap(std::move(event.second), &traceparent);
    deliver_(event.first, payload, traceparent);
  }
}

}  // namespace portico::bus
