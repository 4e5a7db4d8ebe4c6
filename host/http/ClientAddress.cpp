#include "http/ClientAddress.h"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>

#include <algorithm>

namespace portico::http {

std::string clientIp(const Poco::Net::HTTPServerRequest& request,
                     const std::vector<std::string>& trustedProxies) {
  std::string ip = request.clientAddress().host().toString();
  auto trusted = [&](const std::string& addr) {
    return std::find(trustedProxies.begin(), trustedProxies.end(), addr) != trustedProxies.end();
  };
  if (!trusted(ip)) return ip;
  auto header = request.find("X-Forwarded-For");
  if (header == request.end()) return ip;
  const std::string& forwarded = header->second;
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
