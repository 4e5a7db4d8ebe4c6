// SPDX-License-Identifier: Apache-2.0
// A host subscribes to the push channels its own streams hold, and no others: SUBSCRIBE as the
// first stream of a channel joins, UNSUBSCRIBE as the last leaves. So a message reaches only the
// hosts with someone to give it to (a pattern subscription used to bring every message to every
// host).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "RawSocket.h"
#include "Services.h"

using e2e::Porticod;
using e2e::RawSocket;

namespace {

Porticod::Options streamsHost() {
  Porticod::Options options;
  options.plugins.emplace_back(e2e::fixturePath("streams_v1.so"), "streams.so");
  return options;
}

// Subscribers of one push channel across every host on the suite's Redis.
int subscribers(const std::string& channel) {
  auto [rc, out] = e2e::suiteRedis("PUBSUB NUMSUB portico:push:" + channel);
  EXPECT_EQ(rc, 0) << out;
  size_t newline = out.find('\n');
  return newline == std::string::npos ? -1 : std::atoi(out.c_str() + newline + 1);
}

double received(const Porticod& p) {
  return e2e::metric(p.port(), "portico_channel_received_total{result=\"queued\"}");
}

}  // namespace

TEST(PushFanout, EachHostSubscribesOnlyToTheChannelsItsStreamsHold) {
  Porticod a(streamsHost());
  Porticod b(streamsHost());
  const std::string prefix = "fanout-" + std::to_string(a.port());
  const std::string onA = prefix + ":a";
  const std::string onB = prefix + ":b";
  EXPECT_EQ(subscribers(onA), 0);

  auto open = [](const Porticod& host, const std::string& channel) {
    auto s = std::make_unique<RawSocket>(host.port());
    s->send("GET /streams/channel/" + channel + " HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(s->receiveUntil(": subscribed"), "");
    return s;
  };
  auto first = open(a, onA);
  auto second = open(a, onA);  // a second stream of the channel: still one subscription
  auto other = open(b, onB);
  EXPECT_EQ(subscribers(onA), 1);
  EXPECT_EQ(subscribers(onB), 1);
  EXPECT_EQ(e2e::metric(a.port(), "portico_channels_subscribed"), 1.0);

  double aBefore = received(a);
  double bBefore = received(b);
  constexpr int kMessages = 40;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_EQ(
        e2e::request(b.port(), "POST", "/streams/publish/" + onA, "a" + std::to_string(i)).status,
        204);
    ASSERT_EQ(
        e2e::request(a.port(), "POST", "/streams/publish/" + onB, "b" + std::to_string(i)).status,
        204);
  }
  const std::string lastA = "data: a" + std::to_string(kMessages - 1) + "\n\n";
  const std::string lastB = "data: b" + std::to_string(kMessages - 1) + "\n\n";
  EXPECT_NE(first->receiveUntil(lastA), "");
  EXPECT_NE(second->receiveUntil(lastA), "");
  EXPECT_NE(other->receiveUntil(lastB), "");
  // Each host was brought its own channel's messages, not the other's.
  EXPECT_EQ(received(a) - aBefore, kMessages);
  EXPECT_EQ(received(b) - bBefore, kMessages);
  EXPECT_EQ(e2e::metric(a.port(), "portico_channel_messages_total{result=\"undelivered\"}"), 0.0);
  EXPECT_EQ(e2e::metric(b.port(), "portico_channel_messages_total{result=\"undelivered\"}"), 0.0);

  first.reset();
  EXPECT_TRUE(e2e::eventually([&] { return subscribers(onA) == 1; }));
  second.reset();
  EXPECT_TRUE(e2e::eventually([&] { return subscribers(onA) == 0; }))
      << "the last stream of the channel left";
  EXPECT_TRUE(
      e2e::eventually([&] { return e2e::metric(a.port(), "portico_channels_subscribed") == 0.0; }));
  EXPECT_EQ(subscribers(onB), 1);
  // And when a stream joins again, so does the host.
  auto again = open(a, onA);
  EXPECT_EQ(subscribers(onA), 1);
  ASSERT_EQ(e2e::request(b.port(), "POST", "/streams/publish/" + onA, "back").status, 204);
  EXPECT_NE(again->receiveUntil("data: back\n\n"), "");
}
