// SPDX-License-Identifier: Apache-2.0
#include "push/ChannelHub.h"

#include <algorithm>

#include "resources/Pool.h"

namespace portico::push {

bool ChannelHub::validName(std::string_view channel) {
  if (channel.empty() || channel.size() > 128) return false;
  return std::all_of(channel.begin(), channel.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '.' || c == '_' || c == '-';
  });
}

void ChannelHub::publish(const std::string& channel, const std::string& data) {
  if (!publisher_) throw resources::PoolUnavailable("push channels need Redis (redis.url)");
  publisher_(channel, data);
}

void ChannelHub::subscribe(const std::string& channel,
                           const std::shared_ptr<http::Stream>& stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& subscribers = channels_[channel];
  subscribers.erase(std::remove_if(subscribers.begin(), subscribers.end(),
                                   [](const auto& s) { return s.expired(); }),
                    subscribers.end());
  subscribers.push_back(stream);
}

std::string ChannelHub::sseEvent(std::string_view data) {
  std::string event;
  size_t start = 0;
  for (;;) {
    size_t end = data.find('\n', start);
    std::string_view line = data.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    event.append("data: ").append(line).append("\n");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  event.append("\n");
  return event;
}

void ChannelHub::deliver(const std::string& channel, const std::string& data) {
  std::vector<std::shared_ptr<http::Stream>> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      auto& subscribers = it->second;
      subscribers.erase(std::remove_if(subscribers.begin(), subscribers.end(),
                                       [&open](const auto& s) {
                                         auto stream = s.lock();
                                         if (!stream || stream->ended()) return true;
                                         open.push_back(std::move(stream));
                                         return false;
                                       }),
                        subscribers.end());
      if (subscribers.empty()) channels_.erase(it);
    }
  }
  if (open.empty()) {
    ++undelivered_;
    return;
  }
  for (auto& stream : open) {
    bool ws = stream->kind() == http::Stream::Kind::WebSocket;
    auto sent = stream->write(ws ? data : sseEvent(data), false);
    if (sent == http::Stream::Sent::Ok) {
      ++delivered_;
    } else if (sent == http::Stream::Sent::WouldBlock) {
      ++dropped_;
    }
  }
}

}  // namespace portico::push
