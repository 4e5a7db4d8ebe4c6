// SPDX-License-Identifier: Apache-2.0
// Three porticod behind a real nginx running packaging/nginx.conf, sharing the suite's PostgreSQL
// and Redis, under a bounded load: a rolling restart fails no request and push clients reconnect
// and keep receiving; a host killed outright fails no GET and its jobs are finished by the rest.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "Eventually.h"
#include "Http.h"
#include "LoadClients.h"
#include "Nginx.h"
#include "Porticod.h"
#include "RequestLoop.h"

using e2e::Porticod;

namespace {

constexpr int kHosts = 3;

std::string runId(const char* name) {
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::time(nullptr));
}

struct Fleet {
  explicit Fleet(const std::string& run) {
    for (int i = 0; i < kHosts; ++i) {
      options.push_back({{{e2e::pluginPath("hello.so"), "hello.so"},
                          {e2e::fixturePath("streams_v1.so"), "streams.so"},
                          {e2e::fixturePath("jobtest.so"), "jobtest.so"}},
                         {{"http.drain_ms", "1000"},
                          {"plugin.jobtest.queue", run},
                          {"plugin.jobtest.tag", "h" + std::to_string(i)},
                          {"jobs.visibility_timeout_ms", "1500"},
                          {"jobs.backoff_ms", "50"}},
                         {},
                         true});
      hosts.push_back(std::make_unique<Porticod>(options.back()));
    }
    std::vector<uint16_t> ports;
    for (const auto& h : hosts) ports.push_back(h->port());
    nginx = std::make_unique<e2e::Nginx>(ports);
  }

  std::vector<Porticod::Options> options;
  std::vector<std::unique_ptr<Porticod>> hosts;
  std::unique_ptr<e2e::Nginx> nginx;
};

// POSTs (never retried by nginx) publishing numbered messages m1, m2, ... to a channel through
// nginx, every 20 ms until stopped or 120 s have passed; ok() is the last number published.
e2e::RequestLoop publishNumbered(uint16_t port, const std::string& channel) {
  return e2e::RequestLoop(
      [port, channel](uint64_t ok) {
        return e2e::request(port, "POST", "/streams/publish/" + channel,
                            "m" + std::to_string(ok + 1))
                   .status == 204;
      },
      120, 20);
}

// The push clients of streams/reconnect-through-proxy.js, run for the life of the object.
class PushClients {
 public:
  PushClients(uint16_t port, const std::string& channel, const std::string& dir)
      : ready_(dir + "/push-ready"), stop_(dir + "/push-stop"), out_(dir + "/push-out.json") {
    std::string command =
        "NODE_PATH=/usr/share/nodejs node " STREAMS_SCRIPTS "/reconnect-through-proxy.js " +
        std::to_string(port) + " " + channel + " 4 " + ready_ + " " + stop_ + " " + out_;
    thread_ = std::thread([command] { e2e::runCommand(command); });
  }
  ~PushClients() { stop(); }
  bool ready() const { return ::access(ready_.c_str(), F_OK) == 0; }
  // Stops the clients once each has received `last` (or 10 s passed) and returns their report.
  portico::json::Value finish(const std::string& last) {
    stop(last);
    return portico::json::parse(e2e::readFile(out_));
  }

 private:
  void stop(const std::string& last = "") {
    if (!thread_.joinable()) return;
    std::ofstream(stop_) << last << '\n';
    thread_.join();
  }

  std::string ready_, stop_, out_;
  std::thread thread_;
};

}  // namespace

TEST(Fleet, ARollingRestartBehindNginxFailsNoRequestAndPushClientsFollow) {
  std::string run = runId("rolling");
  Fleet fleet(run);
  uint16_t front = fleet.nginx->port();
  PushClients push(front, run, fleet.hosts[0]->dir());
  ASSERT_TRUE(e2e::eventually(std::chrono::seconds(20), [&] { return push.ready(); }));
  e2e::LoadClients load(front, "/hello/swap", "plugin_version", 4, 120);
  e2e::RequestLoop publisher = publishNumbered(front, run);
  ASSERT_TRUE(e2e::eventually([&] { return load.ok() >= 50 && publisher.ok() >= 10; }));

  for (int i = 0; i < kHosts; ++i) {
    auto& host = *fleet.hosts[i];
    EXPECT_EQ(host.stop(), 0) << "host " << i << " did not stop cleanly:\n" << host.logs();
    host.relaunch(fleet.options[i]);
    // Traffic flows through the fleet again before the next host goes down.
    uint64_t relaunched = load.ok();
    EXPECT_TRUE(e2e::eventually([&] { return load.ok() >= relaunched + 100; })) << "host " << i;
  }
  uint64_t afterRestarts = publisher.ok();
  ASSERT_TRUE(e2e::eventually(std::chrono::seconds(10),
                              [&] { return publisher.ok() >= afterRestarts + 50; }));
  publisher.stop();
  load.stop();
  std::string last = "m" + std::to_string(publisher.ok());
  auto clients = push.finish(last);

  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0])
                                 << "\n"
                                 << fleet.nginx->errorLog();
  EXPECT_EQ(publisher.failures(), 0u) << fleet.nginx->errorLog();
  EXPECT_GT(load.ok(), 300u);
  ASSERT_EQ(clients.as_array().size(), 8u);
  for (const auto& c : clients.as_array()) {
    const auto& received = c.at("received").as_array();
    EXPECT_GE(c.at("connects").as_int(), 2) << c.at("kind").as_string() << " never reconnected";
    ASSERT_FALSE(received.empty()) << c.at("kind").as_string() << " received nothing";
    EXPECT_EQ(received.back().as_string(), last)
        << c.at("kind").as_string() << " stopped receiving after " << received.back().dump();
  }
}

TEST(Fleet, AHostKilledOutrightFailsNoGetAndItsJobsAreFinishedByTheOthers) {
  std::string run = runId("kill9");
  Fleet fleet(run);
  uint16_t front = fleet.nginx->port();
  auto enqueued = e2e::request(front, "POST", "/jobtest/enqueue?count=1500&sleep=20&run=" + run);
  ASSERT_EQ(enqueued.status, 201) << enqueued.body;
  auto summary = [&] { return e2e::get(front, "/jobtest/summary?run=" + run).json(); };
  // The victim is working on jobs when it dies.
  ASSERT_TRUE(e2e::eventually(std::chrono::seconds(30), [&] {
    auto now = summary();
    for (const auto& tag : now.at("hosts").as_array()) {
      if (tag.as_string() == "h1") return true;
    }
    return false;
  })) << summary().dump();
  e2e::LoadClients load(front, "/hello/swap", "plugin_version", 4, 120);
  e2e::RequestLoop publisher = publishNumbered(front, run);
  ASSERT_TRUE(e2e::eventually([&] { return load.ok() >= 50 && publisher.ok() >= 10; }))
      << "load " << load.ok() << ", published " << publisher.ok();

  fleet.hosts[1]->kill9();
  EXPECT_LT(summary().at("distinct").as_int(), 1400) << "the jobs were done before the kill";
  // The survivors carry the load (and nginx has had to route round the dead host).
  uint64_t atKill = load.ok(), publishedAtKill = publisher.ok();
  EXPECT_TRUE(e2e::eventually(
      std::chrono::seconds(15),
      [&] { return load.ok() >= atKill + 300 && publisher.ok() >= publishedAtKill + 30; }))
      << "after the kill: load " << load.ok() - atKill << ", published "
      << publisher.ok() - publishedAtKill;
  load.stop();
  publisher.stop();

  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0])
                                 << "\n"
                                 << fleet.nginx->errorLog();
  EXPECT_GT(load.ok(), 100u);
  // A POST in flight on the killed host cannot be retried safely: nginx answers it 502.
  std::cout << "POSTs through nginx while a host was killed: " << publisher.ok() << " ok, "
            << publisher.failures() << " failed\n";
  RecordProperty("failed_posts", static_cast<int>(publisher.failures()));
  EXPECT_LE(publisher.failures(), 2u);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(60), [&] {
    return summary().at("distinct").as_int() == 1500;
  })) << summary().dump();
}
