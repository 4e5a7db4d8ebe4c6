#include "outbound/TraceContext.h"

#include <cstdio>
#include <functional>

namespace portico::outbound {

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

}  // namespace portico::outbound
