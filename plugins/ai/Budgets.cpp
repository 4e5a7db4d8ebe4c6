// SPDX-License-Identifier: Apache-2.0
#include "Budgets.h"

namespace ai_plugin {

namespace {

constexpr int64_t kMinuteMs = 60000;
constexpr int64_t kDayMs = 86400000;

std::string dayKey(const std::string& subject, int64_t nowMs) {
  return "ai:tpd:" + subject + ":" + std::to_string(nowMs / kDayMs);
}

std::string retryAfter(int64_t windowMs, int64_t nowMs) {
  return std::to_string((windowMs - nowMs % windowMs + 999) / 1000);
}

// KEYS[1] the day's tokens; ARGV: the tokens to reserve, the day's limit. The tokens spent and
// reserved so far, and whether these were added.
const char* const kReserve = R"lua(
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {used, 0} end
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], 172800)
return {used, 1}
)lua";

portico::HttpError spent(int64_t limit, int64_t nowMs) {
  return portico::HttpError(429,
                            "the daily budget of " + std::to_string(limit) + " tokens is spent",
                            {{"Retry-After", retryAfter(kDayMs, nowMs)}});
}

}  // namespace

const Limits& Budgets::limitsOf(const std::string& subject) const {
  return isService(subject) ? services_ : users_;
}

void Budgets::admit(portico::Redis& redis, const std::string& subject, int64_t nowMs) const {
  const Limits& limits = limitsOf(subject);
  if (limits.tokensPerDay > 0) {
    auto used = redis.command({"GET", dayKey(subject, nowMs)});
    if (!used.is_nil() && std::stoll(std::string(used.text())) >= limits.tokensPerDay) {
      throw spent(limits.tokensPerDay, nowMs);
    }
  }
  if (limits.requestsPerMinute > 0) {
    std::string key = "ai:rpm:" + subject + ":" + std::to_string(nowMs / kMinuteMs);
    int64_t count = redis.command({"INCR", key}).integer();
    if (count == 1) redis.command({"EXPIRE", key, "120"});
    if (count > limits.requestsPerMinute) {
      throw portico::HttpError(
          429, "more than " + std::to_string(limits.requestsPerMinute) + " requests a minute",
          {{"Retry-After", retryAfter(kMinuteMs, nowMs)}});
    }
  }
}

void Budgets::charge(portico::Redis& redis, const std::string& subject, const Usage& usage,
                     int64_t nowMs) const {
  int64_t tokens = usage.inputTokens + usage.outputTokens;
  if (limitsOf(subject).tokensPerDay <= 0 || tokens <= 0) return;
  std::string key = dayKey(subject, nowMs);
  redis.command({"INCRBY", key, std::to_string(tokens)});
  redis.command({"EXPIRE", key, "172800"});
}

Budgets::Reservation Budgets::reserve(portico::Redis& redis, const std::string& subject,
                                      int64_t tokens, int64_t nowMs) const {
  int64_t limit = limitsOf(subject).tokensPerDay;
  if (limit <= 0 || tokens <= 0) return {};
  Reservation r{dayKey(subject, nowMs), tokens};
  auto reply =
      redis.command({"EVAL", kReserve, "1", r.key, std::to_string(tokens), std::to_string(limit)});
  if (reply.size() == 2 && reply[1].integer() == 1) return r;
  int64_t used = reply.size() == 2 ? reply[0].integer() : limit;
  if (used >= limit) throw spent(limit, nowMs);
  throw portico::HttpError(429,
                           "the daily budget has " + std::to_string(limit - used) +
                               " tokens left, and this call may "
                               "use " +
                               std::to_string(tokens) +
                               " (its prompt and max_tokens): ask for fewer",
                           {{"Retry-After", retryAfter(kDayMs, nowMs)}});
}

void Budgets::settle(portico::Redis& redis, const Reservation& reservation, int64_t used) {
  if (reservation.tokens == 0 || used == reservation.tokens) return;
  redis.command({"INCRBY", reservation.key, std::to_string(used - reservation.tokens)});
}

}  // namespace ai_plugin
