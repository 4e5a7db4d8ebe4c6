// SPDX-License-Identifier: Apache-2.0
// PostgreSQL, then Redis, restarted under load on private instances: porticod answers 503 (never
// hangs) while one is down, recovers within 2 s of it coming back, and never crashes.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "Services.h"
#include "portico/plugin.h"

using Clock = std::chrono::steady_clock;

namespace {

// Clients hammering one path, keeping every status seen and the slowest answer.
class Prober {
 public:
  Prober(uint16_t port, std::string path) : port_(port), path_(std::move(path)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Prober() { stop(); }
  void stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::map<int, int> statuses() {
    std::lock_guard<std::mutex> lock(mutex_);
    return statuses_;
  }
  // Waits until `n` more answers with `status` than so far have come (10 s at most).
  bool answersMore(int status, int n) {
    int target = statuses()[status] + n;
    return e2e::eventually([&] { return statuses()[status] >= target; });
  }
  double slowestSeconds() const { return slowestMs_.load() / 1000.0; }
  int errors() const { return errors_.load(); }

 private:
  void run() {
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (!stop_ && Clock::now() < deadline) {
      auto start = Clock::now();
      try {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(10, 0));
        Poco::Net::HTTPRequest req("GET", path_, Poco::Net::HTTPMessage::HTTP_1_1);
        session.sendRequest(req);
        Poco::Net::HTTPResponse res;
        std::string body;
        Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
        std::lock_guard<std::mutex> lock(mutex_);
        ++statuses_[res.getStatus()];
      } catch (const std::exception&) {
        ++errors_;
      }
      long ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      long seen = slowestMs_.load();
      while (ms > seen && !slowestMs_.compare_exchange_weak(seen, ms)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  uint16_t port_;
  std::string path_;
  std::atomic<bool> stop_{false};
  std::atomic<long> slowestMs_{0};
  std::atomic<int> errors_{0};
  std::mutex mutex_;
  std::map<int, int> statuses_;
  std::vector<std::thread> threads_;
};

// Seconds until `path` answers `status` again (polled every 20 ms, up to 10 s).
double secondsUntil(uint16_t port, const std::string& path, int status) {
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(10)) {
    try {
      if (e2e::get(port, path).status == status) break;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST(Outage, PostgresThenRedisRestartUnderLoad) {
  e2e::PrivateServices services;
  e2e::Porticod p({{{e2e::fixturePath("datatest_v1.so"), "datatest.so"}},
                   {{"database.url", services.databaseUrl()}, {"redis.url", services.redisUrl()}},
                   {},
                   true});
  auto created = e2e::request(p.port(), "POST", "/data/items", R"({"name":"outage"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string dbPath = "/data/items/" + std::to_string(created.json().at("id").as_int());
  std::string redisPath = "/data/redis/outage-key";

  {
    Prober load(p.port(), dbPath);
    ASSERT_TRUE(load.answersMore(200, 5)) << "served before the outage";
    services.stopPostgres();
    ASSERT_TRUE(load.answersMore(503, 5)) << "refused during it";
    auto refused = e2e::get(p.port(), dbPath);
    EXPECT_EQ(refused.status, 503);
    // What is unavailable, never the driver's words (host, port, user).
    EXPECT_EQ(refused.json().at("message").as_string(), "database is unavailable, try again later");
    auto ready = e2e::get(p.port(), "/ready");
    EXPECT_EQ(ready.status, 503);
    EXPECT_EQ(ready.body.find("error"), std::string::npos) << ready.body;
    EXPECT_EQ(ready.body.find("127.0.0.1"), std::string::npos) << ready.body;
    auto detailed = e2e::admin(p, "GET", "/admin/ready");
    EXPECT_EQ(detailed.status, 503);
    EXPECT_NE(detailed.body.find("\"error\""), std::string::npos) << detailed.body;
    services.startPostgres();
    double recovery = secondsUntil(p.port(), dbPath, 200);
    EXPECT_LE(recovery, 2.0) << "PostgreSQL is back; porticod took " << recovery << " s";
    load.stop();
    auto seen = load.statuses();
    EXPECT_GT(seen[200], 0);
    EXPECT_GT(seen[503], 0) << "requests during the outage get 503";
    for (const auto& [status, n] : seen) {
      EXPECT_TRUE(status == 200 || status == 503) << n << " answers with status " << status;
    }
    EXPECT_EQ(load.errors(), 0) << "no connection was dropped or reset";
    EXPECT_LT(load.slowestSeconds(), 3.0) << "no request hung";
  }
  {
    Prober load(p.port(), redisPath);
    ASSERT_TRUE(load.answersMore(404, 5)) << "served (no such key yet) before the outage";
    services.stopRedis();
    ASSERT_TRUE(load.answersMore(503, 5)) << "refused during it";
    EXPECT_EQ(e2e::get(p.port(), redisPath).status, 503);
    services.startRedis();
    double recovery =
        secondsUntil(p.port(), redisPath, 404);  // the key is gone: Redis kept nothing
    EXPECT_LE(recovery, 2.0) << "Redis is back; porticod took " << recovery << " s";
    load.stop();
    auto seen = load.statuses();
    EXPECT_GT(seen[503], 0);
    for (const auto& [status, n] : seen) {
      EXPECT_TRUE(status == 404 || status == 503) << n << " answers with status " << status;
    }
    EXPECT_EQ(load.errors(), 0);
    EXPECT_LT(load.slowestSeconds(), 3.0);
  }
  EXPECT_EQ(e2e::get(p.port(), "/ready").status, 200) << "both are back";
  EXPECT_EQ(kill(p.pid(), 0), 0) << "porticod is still running";
}

namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Enqueues one jobtest job (retrying while Redis refuses) and waits until it has run; returns
// how long that took, or -1 after `limitS`.
double secondsToRunAJob(const e2e::Porticod& p, double limitS) {
  auto start = Clock::now();
  auto left = [&] { return limitS - std::chrono::duration<double>(Clock::now() - start).count(); };
  std::string id;
  while (id.empty() && left() > 0) {
    auto r = e2e::request(p.port(), "POST", "/jobtest/enqueue?run=outage");
    if (r.status == 201)
      id = r.json().at("ids").as_array().at(0).as_string();
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  while (!id.empty() && left() > 0) {
    if (e2e::get(p.port(), "/jobtest/status/" + id).json().at("state").as_int() == PORTICO_JOB_DONE)
      return std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

bool jobsDownOnReady(const e2e::Porticod& p) {
  auto ready = e2e::get(p.port(), "/ready");
  if (ready.status != 503) return false;
  auto body = ready.json();  // held: a range-for over a temporary's member would dangle
  for (const auto& s : body.at("services").as_array()) {
    if (s.at("name").as_string() == "jobs" && s.at("status").as_string() == "down") return true;
  }
  return false;
}

}  // namespace

TEST(Outage, JobsRunAgainAfterRedisLosesItsData) {
  e2e::PrivateServices services;
  e2e::Porticod p({{{e2e::fixturePath("jobtest.so"), "jobtest.so"}},
                   {{"database.url", services.databaseUrl()}, {"redis.url", services.redisUrl()}},
                   {},
                   true});
  ASSERT_GT(secondsToRunAJob(p, 10), 0) << p.logs();

  // The data goes while the workers stay connected.
  services.redisCommand("FLUSHALL");
  double afterFlush = secondsToRunAJob(p, 5);
  EXPECT_GT(afterFlush, 0) << p.logs();
  EXPECT_LE(afterFlush, 2.0);

  // Redis restarts without its data; while it is down, /ready says the job queue is.
  services.stopRedis();
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (!jobsDownOnReady(p) && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(jobsDownOnReady(p)) << e2e::get(p.port(), "/ready").body;
  services.startRedis();
  double afterRestart = secondsToRunAJob(p, 5);
  EXPECT_GT(afterRestart, 0) << p.logs();
  EXPECT_LE(afterRestart, 2.0) << "new jobs run within 2 s of Redis coming back";
  EXPECT_EQ(e2e::get(p.port(), "/ready").status, 200);

  // Told once per change, not once per retry.
  std::string logs = p.logs();
  EXPECT_LE(count(logs, "consumer groups are gone"), 4u) << logs;
  EXPECT_LE(count(logs, "cannot read from Redis"), 4u) << logs;
}
