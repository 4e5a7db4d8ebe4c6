/* SPDX-License-Identifier: Apache-2.0 */
// GET /users/me bodies kept for a short time (plugin.users.cache_ttl_ms, default 1000), because
// every screen of a frontend asks for them. A write on this host drops the entry at once; other
// hosts may serve the old body until it ages out, which is the staleness we accept for profiles.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace users_plugin {

class ProfileCache {
 public:
  using Clock = std::chrono::steady_clock;

  ProfileCache(std::chrono::milliseconds ttl, size_t maxEntries)
      : ttl_(ttl), maxEntries_(maxEntries) {}

  std::optional<std::string> get(const std::string& userId) {
    if (ttl_.count() == 0) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(userId);
    if (it == entries_.end() || Clock::now() - it->second.at >= ttl_) return std::nullopt;
    return it->second.body;
  }

  void put(const std::string& userId, std::string body) {
    if (ttl_.count() == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= maxEntries_) entries_.clear();
    entries_[userId] = Entry{std::move(body), Clock::now()};
  }

  void drop(const std::string& userId) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(userId);
  }

 private:
  struct Entry {
    std::string body;
    Clock::time_point at;
  };
  std::chrono::milliseconds ttl_;
  size_t maxEntries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace users_plugin
