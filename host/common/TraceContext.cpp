// SPDX-License-Identifier: Apache-2.0
#include "common/TraceContext.h"

#include <cstdio>
#include <functional>
#include <random>

namespace portico::common {

namespace {

bool lowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool allZero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

}  // namespace

bool validTraceparent(std::string_view h) {
  // 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>
  if (h.size() != 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return false;
  std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), parent = h.substr(36, 16),
                   flags = h.substr(53, 2);
  return version == "00" && lowerHex(trace) && lowerHex(parent) && lowerHex(flags) &&
         !allZero(trace) && !allZero(parent);
}

std::string traceparentFor(std::string_view incoming, std::string_view callId) {
  if (validTraceparent(incoming)) return std::string(incoming);
  std::hash<std::string_view> hash;
  auto high = static_cast<unsigned long long>(hash(callId));
  auto low = static_cast<unsigned long long>(hash(std::string(callId) + "/trace")) | 1;
  char out[56];
  std::snprintf(out, sizeof out, "00-%016llx%016llx-%016llx-01", high, low, low ^ high ^ 1);
  return out;
}

std::string childOf(const std::string& traceparent) {
  if (!validTraceparent(traceparent)) return traceparent;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char span[17];
  std::snprintf(span, sizeof span, "%016llx", static_cast<unsigned long long>(rng() | 1));
  // 00-<32 trace>-<16 parent>-<2 flags>: keep the trace, name the new call as the parent.
  return traceparent.substr(0, 36) + span + traceparent.substr(52);
}

std::string_view traceId(std::string_view traceparent) {
  return validTraceparent(traceparent) ? traceparent.substr(3, 32) : std::string_view();
}

}  // namespace portico::common
