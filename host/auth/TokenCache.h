/* SPDX-License-Identifier: Apache-2.0 */
// Tokens whose signature and claims already checked out, keyed by their exact text, so a client
// that sends the same token again costs a hash lookup instead of a signature verification.
// Only the signature result is cached for good: times are checked on every use, revocation
// every auth.revocation_check_ms. Bounded: a full shard is emptied (the next uses re-verify).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/Jwt.h"
#include "auth/Principal.h"

namespace portico::auth {

struct CachedToken {
  CachedToken(std::string_view sent, VerifiedToken t, std::string u,
              std::shared_ptr<const Principal> p)
      : text(sent), token(std::move(t)), use(std::move(u)), principal(std::move(p)) {}
  const std::string text;  // the token as sent; the cache's key is a view of it
  const VerifiedToken token;
  const std::string use;  // the token_use it was verified for: a hit for another use is refused
  const std::shared_ptr<const Principal> principal;
  // When the denylist was last consulted for it, and the local revocation epoch then.
  std::atomic<int64_t> checkedAtMs{0};  // 1970: never
  std::atomic<uint64_t> checkedEpoch{0};
};

class TokenCache {
 public:
  explicit TokenCache(size_t maxEntries) : perShard_(maxEntries / kShards + 1) {}

  std::shared_ptr<CachedToken> find(std::string_view token) const {
    const Shard& s = shard(token);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(token);
    return it == s.map.end() ? nullptr : it->second;
  }

  void insert(std::shared_ptr<CachedToken> entry) {
    Shard& s = shard(entry->text);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.map.size() >= perShard_) s.map.clear();
    // The key views the entry's own text: an older entry for the same token goes first, or the
    // map would keep a key that views freed memory.
    s.map.erase(entry->text);
    std::string_view key = entry->text;
    s.map.emplace(key, std::move(entry));
  }

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string_view, std::shared_ptr<CachedToken>> map;
  };
  Shard& shard(std::string_view token) {
    return shards_[std::hash<std::string_view>{}(token) % kShards];
  }
  const Shard& shard(std::string_view token) const {
    return shards_[std::hash<std::string_view>{}(token) % kShards];
  }

  size_t perShard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace portico::auth
