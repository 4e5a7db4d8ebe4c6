// SPDX-License-Identifier: Apache-2.0
// The event-driven front, observed from outside with a single event loop and a handful of
// threads, where a thread-per-connection server would have run out at the fifth connection:
// idle and slowloris connections cost no thread, a normal client is still answered at once, and
// a handler that blocks does not stall the other connections of its loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "Generations.h"
#include "Http.h"
#include "Porticod.h"
#include "RawSocket.h"

using e2e::Porticod;

namespace {

using Clock = std::chrono::steady_clock;

const std::map<std::string, std::string> kOneLoopFewThreads = {
    {"http.io_threads", "1"},
    {"http.threads", "4"},
    {"http.keepalive_timeout_ms", "60000"},
    {"http.timeout_ms", "60000"},
    {"http.header_timeout_ms", "60000"}};

int threadsOf(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
  }
  return -1;
}

// Milliseconds one GET of a fresh client takes; fails the test unless it is answered 200.
double timedGet(uint16_t port, const std::string& path) {
  auto start = Clock::now();
  auto r = e2e::get(port, path);
  EXPECT_EQ(r.status, 200) << r.body;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

TEST(EventLoop, TwoThousandOpenConnectionsCostNoThreads) {
  e2e::raiseOpenFileLimit();
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, kOneLoopFewThreads, {}, true});
  timedGet(p.port(), "/hello/warm");
  int threadsBefore = threadsOf(p.pid());
  long rssBefore = p.rssKb();

  // Half have been served once and wait in keep-alive; half have not sent a byte.
  std::vector<e2e::RawSocket> open;
  for (int i = 0; i < 2000; ++i) {
    open.emplace_back(p.port());
    if (i % 2 == 0) {
      ASSERT_TRUE(open.back().send("GET /hello/k HTTP/1.1\r\nHost: x\r\n\r\n"));
      ASSERT_NE(open.back().receiveUntil("}"), "") << "connection " << i << " was not served";
    }
  }
  double ms = timedGet(p.port(), "/hello/normal");
  int threadsAfter = threadsOf(p.pid());
  long perConnection = (p.rssKb() - rssBefore) * 1024 / 2000;
  RecordProperty("normal_request_ms", std::to_string(ms));
  RecordProperty("bytes_per_open_connection", std::to_string(perConnection));
  RecordProperty("threads", std::to_string(threadsAfter));
  EXPECT_LT(ms, 1000.0);
  // Helpers are lent to a loop only while a handler blocks: none here, and never more than
  // http.threads in all.
  EXPECT_LE(threadsAfter, threadsBefore + 4) << "before " << threadsBefore;
  EXPECT_LT(perConnection, 32 * 1024);
  // Every keep-alive connection is still served.
  for (size_t i = 0; i < open.size(); i += 200) {
    ASSERT_TRUE(open[i].send("GET /hello/again HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_NE(open[i].receiveUntil("}"), "") << "connection " << i;
  }
}

TEST(EventLoop, SlowlorisAndSilentConnectionsDoNotDelayANormalClient) {
  e2e::raiseOpenFileLimit();
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, kOneLoopFewThreads, {}, true});
  double usual = 0;
  for (int i = 0; i < 20; ++i) usual = std::max(usual, timedGet(p.port(), "/hello/usual"));

  std::vector<e2e::RawSocket> slow;
  std::vector<e2e::RawSocket> silent;
  for (int i = 0; i < 600; ++i) {
    slow.emplace_back(p.port());
    ASSERT_TRUE(slow.back().send("GET /hello/slow HTTP/1.1\r\nHost: x\r\n"));
  }
  for (int i = 0; i < 2000; ++i) silent.emplace_back(p.port());
  // One more header line on every slowloris connection every 200 ms, for 2 s.
  std::atomic<bool> attacking{true};
  std::thread attacker([&] {
    for (int round = 0; round < 10 && attacking; ++round) {
      for (auto& s : slow) s.send("X-Line-" + std::to_string(round) + ": v\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  double worst = 0;
  for (int i = 0; i < 20; ++i) worst = std::max(worst, timedGet(p.port(), "/hello/during"));
  attacking = false;
  attacker.join();
  RecordProperty("usual_worst_ms", std::to_string(usual));
  RecordProperty("under_attack_worst_ms", std::to_string(worst));
  EXPECT_LT(worst, usual + 500.0) << "usual worst " << usual << " ms";
}

TEST(EventLoop, AHandlerThatBlocksDoesNotStallItsLoop) {
  Porticod p(
      {{{e2e::fixturePath("slow_v1.so"), "slow.so"}, {e2e::pluginPath("hello.so"), "hello.so"}},
       kOneLoopFewThreads,
       {},
       true});
  // Three handlers of the single loop block (sleeping, unannounced) until released.
  std::vector<std::unique_ptr<e2e::HeldRequest>> held;
  for (int i = 0; i < 3; ++i) held.push_back(std::make_unique<e2e::HeldRequest>(p));
  e2e::waitForInflight(p, "slow", 3);
  EXPECT_LT(timedGet(p.port(), "/hello/meanwhile"), 1000.0);
  for (auto& h : held) EXPECT_EQ(h->reply().status, 200);
}

TEST(EventLoop, WhenEveryThreadIsBusyARequestWaitsAndIsThenServed) {
  Porticod p(
      {{{e2e::fixturePath("slow_v1.so"), "slow.so"}, {e2e::pluginPath("hello.so"), "hello.so"}},
       kOneLoopFewThreads,
       {},
       true});
  // http.threads = 4: four blocked handlers hold every thread there is.
  std::vector<std::unique_ptr<e2e::HeldRequest>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<e2e::HeldRequest>(p));
  e2e::waitForInflight(p, "slow", 4);
  auto waiting = std::async(std::launch::async, [&] { return e2e::get(p.port(), "/hello/w"); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  held.front()->release();
  EXPECT_EQ(waiting.get().status, 200);
  for (auto& h : held) EXPECT_EQ(h->reply().status, 200);
}
