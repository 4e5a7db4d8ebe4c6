/* SPDX-License-Identifier: Apache-2.0 */
// One Redis connection (Poco::Redis::Client), authenticated and on the configured database.
#pragma once

#include <Poco/Redis/Client.h>
#include <Poco/Redis/Type.h>

#include <chrono>
#include <string>
#include <vector>

namespace portico::resources {

// redis://[:password@]host:port[/db]
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;
  int db = 0;

  // Throws std::invalid_argument naming what is wrong.
  static RedisUrl parse(const std::string& url);
};

class RedisConnection {
 public:
  // Connects, AUTHs and SELECTs. Throws Poco or std exceptions when it cannot.
  RedisConnection(const RedisUrl& url, int connectTimeoutMs, int commandTimeoutMs);

  // False when the connection is known broken, or it sat idle longer than `idleCheckMs` and a
  // PING does not come back: Poco's client does not expose its socket, so a round trip is the
  // only way to find a connection the server closed (after a Redis restart, say).
  bool alive(int idleCheckMs);

  // Sends argv as bulk strings (binary-safe; FIELD-NOTES: numbers sent as integers are a
  // protocol error) and returns the reply. Throws on I/O failure: the connection is then broken.
  Poco::Redis::RedisType::Ptr command(const std::vector<std::string>& argv);
  // Sends several commands at once and reads all their replies (one round trip).
  std::vector<Poco::Redis::RedisType::Ptr> pipeline(
      const std::vector<std::vector<std::string>>& commands);
  // Reads the next message on a connection that has subscribed (pub/sub). Blocks.
  Poco::Redis::RedisType::Ptr readReply();

 private:
  Poco::Redis::Client client_;
  std::chrono::steady_clock::time_point lastUsed_;
};

}  // namespace portico::resources
