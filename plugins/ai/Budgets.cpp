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

}  // namespace

const Limits& Budgets::limitsOf(const std::string& subject) const {
  return isService(subject) ? services_ : users_;
}

void Budgets::admit(portico::Redis& redis, const std::string& subject, int64_t nowMs) const {
  const Limits& limits = limitsOf(subject);
  if (limits.tokensPerDay > 0) {
    auto used = redis.command({"GET", dayKey(subject, nowMs)});
    if (!used.is_nil() && std::stoll(std::string(used.text())) >= limits.tokensPerDay) {
      throw portico::HttpError(
          429, "the daily budget of " + std::to_string(limits.tokensPerDay) + " tokens is spent",
          {{"Retry-After", retryAfter(kDayMs, nowMs)}});
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

}  // namespace ai_plugin
