// SPDX-License-Identifier: Apache-2.0
#include "resources/redis/RedisConnection.h"

#include "common/Blocking.h"

#include <Poco/Redis/Array.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace portico::resources {

RedisUrl RedisUrl::parse(const std::string& url) {
  Poco::URI uri(url);
  if (uri.getScheme() != "redis") {
    throw std::invalid_argument("redis.url must start with redis:// (got '" + uri.getScheme() +
                                "')");
  }
  RedisUrl r;
  if (!uri.getHost().empty()) r.host = uri.getHost();
  if (uri.getPort() != 0) r.port = uri.getPort();
  const std::string& info = uri.getUserInfo();
  size_t colon = info.find(':');
  r.password = colon == std::string::npos ? std::string() : info.substr(colon + 1);
  const std::string& path = uri.getPath();
  if (path.size() > 1) {
    size_t used = 0;
    r.db = std::stoi(path.substr(1), &used);
    if (used != path.size() - 1 || r.db < 0) {
      throw std::invalid_argument("redis.url database must be a number: '" + path + "'");
    }
  }
  return r;
}

RedisConnection::RedisConnection(const RedisUrl& url, int connectTimeoutMs, int commandTimeoutMs) {
  client_.connect(url.host, url.port,
                  Poco::Timespan(connectTimeoutMs * Poco::Timespan::MILLISECONDS));
  client_.setReceiveTimeout(Poco::Timespan(commandTimeoutMs * Poco::Timespan::MILLISECONDS));
  auto check = [this](const std::vector<std::string>& argv) {
    auto reply = command(argv);
    if (reply->isError())
      throw std::runtime_error("redis " + argv[0] + " failed: " + reply->toString());
  };
  if (!url.password.empty()) check({"AUTH", url.password});
  if (url.db != 0) check({"SELECT", std::to_string(url.db)});
}

bool RedisConnection::alive(int idleCheckMs) {
  if (!client_.isConnected()) return false;
  if (std::chrono::steady_clock::now() - lastUsed_ < std::chrono::milliseconds(idleCheckMs)) {
    return true;
  }
  try {
    auto reply = command({"PING"});
    return reply->isSimpleString();
  } catch (const std::exception&) {
    return false;
  }
}

namespace {

Poco::Redis::Array toArray(const std::vector<std::string>& argv) {
  Poco::Redis::Array cmd;
  for (const auto& a : argv) cmd.add(Poco::Redis::BulkString(a));
  return cmd;
}

}  // namespace

Poco::Redis::RedisType::Ptr RedisConnection::command(const std::vector<std::string>& argv) {
  common::BlockingRegion waiting;
  lastUsed_ = std::chrono::steady_clock::now();
  return client_.sendCommand(toArray(argv));
}

std::vector<Poco::Redis::RedisType::Ptr> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  common::BlockingRegion waiting;
  std::vector<Poco::Redis::Array> arrays;
  arrays.reserve(commands.size());
  for (const auto& c : commands) arrays.push_back(toArray(c));
  lastUsed_ = std::chrono::steady_clock::now();
  Poco::Redis::Array replies = client_.sendCommands(arrays);
  return std::vector<Poco::Redis::RedisType::Ptr>(replies.begin(), replies.end());
}

Poco::Redis::RedisType::Ptr RedisConnection::readReply() {
  common::BlockingRegion waiting;
  lastUsed_ = std::chrono::steady_clock::now();
  return client_.readReply();
}

}  // namespace portico::resources
