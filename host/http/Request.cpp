// SPDX-License-Identifier: Apache-2.0
#include "http/Request.h"

#include <boost/beast/http/rfc7230.hpp>

#include "common/IgnoreCase.h"

namespace portico::http {

using common::equalsIgnoreCase;

std::optional<std::string_view> Request::header(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (equalsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::vector<std::string_view> Request::headers(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields_) {
    if (equalsIgnoreCase(n, name)) out.push_back(v);
  }
  return out;
}

bool isWebSocketUpgrade(const Request& request) {
  if (request.method() != "GET") return false;
  auto upgrade = request.header("Upgrade");
  if (!upgrade || !equalsIgnoreCase(*upgrade, "websocket")) return false;
  for (std::string_view connection : request.headers("Connection")) {
    for (auto token : boost::beast::http::token_list{
             boost::beast::string_view(connection.data(), connection.size())}) {
      if (equalsIgnoreCase(std::string_view(token.data(), token.size()), "upgrade")) return true;
    }
  }
  return false;
}

}  // namespace portico::http
