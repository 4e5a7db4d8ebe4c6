// SPDX-License-Identifier: Apache-2.0
#include "http/ClientAddress.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>

#include <algorithm>

namespace portico::http {

namespace {

bool isTrusted(std::string_view ip, const std::vector<std::string>& trustedProxies) {
  return std::find(trustedProxies.begin(), trustedProxies.end(), ip) != trustedProxies.end();
}

}  // namespace

std::string_view clientScheme(const Request& request,
                              const std::vector<std::string>& trustedProxies) {
  if (request.secure()) return "https";
  if (!isTrusted(request.peerIp(), trustedProxies)) return "http";
  auto fields = request.headers("X-Forwarded-Proto");
  if (fields.empty()) return "http";
  std::string_view last = fields.back();
  if (auto comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
  return Poco::icompare(Poco::trim(std::string(last)), "https") == 0 ? "https" : "http";
}

std::string clientIp(const Request& request, const std::vector<std::string>& trustedProxies) {
  std::string ip(request.peerIp());
  auto trusted = [&](const std::string& addr) { return isTrusted(addr, trustedProxies); };
  if (!trusted(ip)) return ip;
  std::string forwarded;
  for (std::string_view line : request.headers("X-Forwarded-For")) {
    if (!forwarded.empty()) forwarded += ',';
    forwarded += line;
  }
  if (forwarded.empty()) return ip;
  size_t end = forwarded.size();
  while (end > 0) {
    size_t comma = forwarded.rfind(',', end - 1);
    size_t start = comma == std::string::npos ? 0 : comma + 1;
    std::string hop = Poco::trim(forwarded.substr(start, end - start));
    Poco::Net::IPAddress parsed;
    if (!Poco::Net::IPAddress::tryParse(hop, parsed)) break;  // garbage: stop at the last good hop
    ip = parsed.toString();
    if (!trusted(ip)) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return ip;
}

}  // namespace portico::http
