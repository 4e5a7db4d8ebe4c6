// SPDX-License-Identifier: Apache-2.0
#include "push/ChannelHub.h"

#include <algorithm>

#include "log/Logging.h"
#include "resources/Pool.h"

namespace portico::push {

bool ChannelHub::validName(std::string_view channel) {
  if (channel.empty() || channel.size() > 128) return false;
  return std::all_of(channel.begin(), channel.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '.' || c == '_' || c == '-';
  });
}

std::string ChannelHub::publish(const std::string& channel, const std::string& data) {
  if (bus_ == nullptr) throw resources::PoolUnavailable("push channels need Redis (redis.url)");
  return bus_->publish(channel, data);
}

bool ChannelHub::subscribe(const std::string& channel, const std::shared_ptr<http::Stream>& stream,
                           Delivery delivery, std::chrono::milliseconds timeout) {
  auto member = std::make_shared<Member>();
  member->stream = stream;
  member->delivery = std::move(delivery);
  bool first = false;
  bool confirmed = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = channels_[channel];
    first = entry.members.empty();
    confirmed = entry.confirmed;
    entry.members.push_back(member);
    if (bus_ == nullptr) member->active = true;
  }
  if (bus_ != nullptr && confirmed) {
    bus_->post([this, channel, member] { activate(channel, member); });
  } else if (bus_ != nullptr && first) {
    bus_->want(channel);
  }
  // Otherwise the confirmation another stream asked for is on its way and activates this one too.
  // Asked for last, so that a stream that has already ended leaves only after the want.
  stream->whenEnded([this, channel, weak = std::weak_ptr<Member>(member)] {
    if (auto m = weak.lock()) leave(channel, m);
  });
  if (bus_ == nullptr) return true;
  std::unique_lock<std::mutex> lock(mutex_);
  if (activated_.wait_for(lock, timeout, [&] { return member->active; })) return true;
  lock.unlock();
  leave(channel, member);
  return false;
}

void ChannelHub::subscribed(const std::string& channel) {
  std::vector<std::shared_ptr<Member>> waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    it->second.confirmed = true;
    // After a reconnection those that keep a cursor catch up on what passed meanwhile.
    for (const auto& m : it->second.members) {
      if (!m->active || m->delivery.ids) waiting.push_back(m);
    }
  }
  for (const auto& m : waiting) activate(channel, m);
}

void ChannelHub::activate(const std::string& channel, const std::shared_ptr<Member>& member) {
  auto stream = member->stream.lock();
  if (stream && member->delivery.ids) {
    try {
      if (member->cursor.empty() && member->delivery.after)
        member->cursor = *member->delivery.after;
      if (member->cursor.empty()) {
        member->cursor = bus_->newest(channel);
      } else {
        for (const auto& message : bus_->since(channel, member->cursor)) {
          send(*member, *stream, message);
        }
      }
      if (stream->kind() == http::Stream::Kind::Chunked && !member->active) {
        stream->write("id: " + member->cursor + member->delivery.idSuffix + "\n\n", false);
      }
    } catch (const std::exception& e) {
      log::get("push")->warn("cannot replay channel {}: {}", channel, e.what());
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    member->active = true;
  }
  activated_.notify_all();
}

void ChannelHub::leave(const std::string& channel, const std::shared_ptr<Member>& member) {
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    auto& members = it->second.members;
    auto at = std::find(members.begin(), members.end(), member);
    if (at == members.end()) return;
    members.erase(at);
    if (members.empty()) {
      channels_.erase(it);
      last = true;
    }
  }
  if (last && bus_ != nullptr) bus_->drop(channel);
}

size_t ChannelHub::channels() {
  std::lock_guard<std::mutex> lock(mutex_);
  return channels_.size();
}

std::string ChannelHub::sseEvent(std::string_view data, std::string_view id) {
  std::string event;
  if (!id.empty()) event.append("id: ").append(id).append("\n");
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

void ChannelHub::send(Member& member, http::Stream& stream, const ChannelMessage& message) {
  bool ids = member.delivery.ids && !message.id.empty();
  if (ids) {
    // A message the replay already gave (or an older one) is not given twice.
    auto id = parseMessageId(message.id);
    auto cursor = parseMessageId(member.cursor);
    if (id && cursor && *id <= *cursor) return;
    member.cursor = message.id;
  }
  bool ws = stream.kind() == http::Stream::Kind::WebSocket;
  auto sent = stream.write(
      ws ? message.data : sseEvent(message.data, ids ? message.id + member.delivery.idSuffix : ""),
      false);
  if (sent == http::Stream::Sent::Ok) {
    ++delivered_;
  } else if (sent == http::Stream::Sent::WouldBlock) {
    ++dropped_;
  }
}

void ChannelHub::deliver(const std::string& channel, const ChannelMessage& message) {
  std::vector<std::pair<std::shared_ptr<Member>, std::shared_ptr<http::Stream>>> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = channels_.find(channel);
    if (it != channels_.end()) {
      for (const auto& m : it->second.members) {
        auto stream = m->stream.lock();
        if (m->active && stream && !stream->ended()) open.emplace_back(m, std::move(stream));
      }
    }
  }
  if (open.empty()) {
    ++undelivered_;
    return;
  }
  for (auto& [member, stream] : open) send(*member, *stream, message);
}

}  // namespace portico::push
