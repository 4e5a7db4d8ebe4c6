// SPDX-License-Identifier: Apache-2.0
#include "RateLimits.h"

namespace auth_plugin {
namespace {

// INCR and the window's expiry in one atomic step; returns {count, seconds left}.
constexpr const char* kHitScript =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
    "return {n, redis.call('TTL', KEYS[1])}";

[[noreturn]] void tooMany(int64_t retryAfterS) {
  if (retryAfterS < 1) retryAfterS = 1;
  throw portico::HttpError(429, "too many attempts; retry in " + std::to_string(retryAfterS) + " s",
                           {{"Retry-After", std::to_string(retryAfterS)}});
}

std::string fullKey(const std::string& key) {
  return "auth:rl:" + key;
}

}  // namespace

std::pair<int64_t, int64_t> RateLimits::count(const portico::Scope& call, const std::string& key,
                                              int64_t windowS) const {
  portico::Redis redis(call);
  std::string window = std::to_string(windowS);
  auto reply = redis.command({"EVAL", kHitScript, "1", fullKey(key), window});
  if (reply.is_error() || reply.size() != 2) throw std::runtime_error("rate limit script failed");
  return {reply[0].integer(), reply[1].integer()};
}

void RateLimits::hit(const portico::Scope& call, const std::string& key, Limit limit) const {
  auto [n, left] = count(call, key, limit.windowS);
  if (n > limit.max) tooMany(left);
}

void RateLimits::check(const portico::Scope& call, const std::string& key, Limit limit) const {
  portico::Redis redis(call);
  std::string k = fullKey(key);
  auto count = redis.command({"GET", k});
  if (count.is_nil() || std::stoll(std::string(count.text())) < limit.max) return;
  tooMany(redis.command({"TTL", k}).integer());
}

void RateLimits::reset(const portico::Scope& call, const std::string& key) const {
  portico::Redis redis(call);
  redis.command({"DEL", fullKey(key)});
}

}  // namespace auth_plugin
