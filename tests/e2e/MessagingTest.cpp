// SPDX-License-Identifier: Apache-2.0
// Events and jobs across real porticod processes sharing the suite's Redis.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <thread>

#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "portico/plugin.h"

using e2e::Porticod;

namespace {

std::string runId(const char* name) {
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::time(nullptr));
}

// A host running jobtest on its own queue `queue` (other tests' hosts share the Redis).
Porticod::Options jobHost(const std::string& queue, const std::string& tag,
                          std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> config = {
      {"plugin.jobtest.tag", tag}, {"plugin.jobtest.queue", queue}, {"jobs.backoff_ms", "50"}};
  for (auto& [k, v] : extra) config[k] = v;
  return {{{e2e::fixturePath("jobtest.so"), "jobtest.so"}}, config, {}, true};
}

portico::json::Value summary(const Porticod& p, const std::string& run) {
  return e2e::get(p.port(), "/jobtest/summary?run=" + run).json();
}

class Messaging : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(std::getenv("PORTICO_REDIS_URL"), nullptr) << "packaging/dev test starts Redis";
  }
};

}  // namespace

TEST_F(Messaging, EventsFanOutToEveryHost) {
  std::string a = runId("ev-a"), b = runId("ev-b");
  // One delivery thread: events reach its subscriptions in the order published.
  Porticod first(jobHost(a, a, {{"events.workers", "1"}}));
  Porticod second(jobHost(b, b));
  auto sent = e2e::request(first.port(), "POST", "/jobtest/publish?topic=jobtest.hello",
                           R"({"n":1})", {{"Content-Type", "application/json"}});
  ASSERT_EQ(sent.status, 202) << sent.body;
  for (const Porticod* p : {&first, &second}) {
    EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [p] {
      auto events = e2e::get(p->port(), "/jobtest/events").json().at("events").as_array();
      return events.size() == 1 && events.at(0).as_string() == R"(jobtest.hello {"n":1})";
    })) << e2e::get(p->port(), "/jobtest/events").body;
  }
  // At least this one: tests running beside this one publish on the same Redis.
  EXPECT_GE(e2e::metric(second.port(), "portico_events_total{result=\"delivered\"}"), 1);
  // Topics the pattern does not match are not delivered: once an event published after one of
  // them has arrived, it would have too.
  e2e::request(first.port(), "POST", "/jobtest/publish?topic=other.topic", "{}");
  e2e::request(first.port(), "POST", "/jobtest/publish?topic=jobtest.after", "{}");
  std::string events;
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] {
    events = e2e::get(first.port(), "/jobtest/events").json().at("events").dump();
    return events.find("jobtest.after") != std::string::npos;
  })) << events;
  EXPECT_EQ(events, R"(["jobtest.hello {\"n\":1}","jobtest.after {}"])");
}

TEST_F(Messaging, JobRunsAndReportsItsStatus) {
  std::string run = runId("one");
  Porticod p(jobHost(run, run));
  auto r = e2e::request(p.port(), "POST", "/jobtest/enqueue?count=1&run=" + run);
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id = r.json().at("ids").as_array().at(0).as_string();
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10), [&] {
    return e2e::get(p.port(), "/jobtest/status/" + id).json().at("state").as_int() ==
           PORTICO_JOB_DONE;
  })) << p.logs();
  EXPECT_EQ(e2e::get(p.port(), "/jobtest/status/" + id).json().at("attempts").as_int(), 1);
  EXPECT_EQ(e2e::get(p.port(), "/jobtest/status/no-such-job").json().at("state").as_int(),
            PORTICO_JOB_UNKNOWN);
  EXPECT_EQ(e2e::metric(p.port(), "background_jobs_total{queue=\"" + run + "\",status=\"done\"}"),
            1);
}

TEST_F(Messaging, FailingJobsRetryWithBackoffThenDeadLetter) {
  std::string run = runId("retry");
  Porticod p(jobHost(run, run));
  auto recovers = e2e::request(p.port(), "POST", "/jobtest/enqueue?run=" + run + "&fail=2&max=5");
  auto dies = e2e::request(p.port(), "POST", "/jobtest/enqueue?run=" + run + "&fail=99&max=3");
  std::string good = recovers.json().at("ids").as_array().at(0).as_string();
  std::string bad = dies.json().at("ids").as_array().at(0).as_string();
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10), [&] {
    return e2e::get(p.port(), "/jobtest/status/" + good).json().at("state").as_int() ==
               PORTICO_JOB_DONE &&
           e2e::get(p.port(), "/jobtest/status/" + bad).json().at("state").as_int() ==
               PORTICO_JOB_DEAD;
  }));
  EXPECT_EQ(e2e::get(p.port(), "/jobtest/status/" + good).json().at("attempts").as_int(), 3);
  EXPECT_EQ(e2e::get(p.port(), "/jobtest/status/" + bad).json().at("attempts").as_int(), 3);
  EXPECT_NE(p.logs().find("job " + bad + " on " + run + " is dead after 3 attempts"),
            std::string::npos);
}

TEST_F(Messaging, DelayedJobWaitsItsTurn) {
  std::string run = runId("delay");
  Porticod p(jobHost(run, run));
  auto enqueued = std::chrono::steady_clock::now();
  auto r = e2e::request(p.port(), "POST", "/jobtest/enqueue?run=" + run + "&delay=800");
  std::string id = r.json().at("ids").as_array().at(0).as_string();
  // Queued until its time, then run: when it is seen done, its delay has passed.
  EXPECT_EQ(e2e::get(p.port(), "/jobtest/status/" + id).json().at("state").as_int(),
            PORTICO_JOB_QUEUED);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] {
    return e2e::get(p.port(), "/jobtest/status/" + id).json().at("state").as_int() ==
           PORTICO_JOB_DONE;
  }));
  EXPECT_GE(std::chrono::steady_clock::now() - enqueued, std::chrono::milliseconds(800));
}

TEST_F(Messaging, TwoHostsShareJobsAndNoneRunsTwice) {
  std::string run = runId("share");
  Porticod a(jobHost(run, "a"));
  Porticod b(jobHost(run, "b"));
  ASSERT_EQ(e2e::request(a.port(), "POST", "/jobtest/enqueue?count=1000&sleep=1&run=" + run).status,
            201);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(60), [&] {
    return summary(a, run).at("distinct").as_int() == 1000;
  })) << summary(a, run).dump();
  auto s = summary(a, run);
  EXPECT_EQ(s.at("max_runs").as_int(), 1) << "a job ran twice without any failure";
  EXPECT_EQ(s.at("hosts").as_array().size(), 2u) << "both hosts took jobs: " << s.dump();
}

TEST_F(Messaging, JobsOfAKilledHostAreFinishedByTheNextOne) {
  std::string run = runId("kill");
  auto first =
      std::make_unique<Porticod>(jobHost(run, run, {{"jobs.visibility_timeout_ms", "1500"}}));
  ASSERT_EQ(
      e2e::request(first->port(), "POST", "/jobtest/enqueue?count=1000&sleep=3&run=" + run).status,
      201);
  ASSERT_TRUE(e2e::eventually(std::chrono::seconds(30),
                              [&] { return summary(*first, run).at("distinct").as_int() >= 50; }));
  first->kill9();  // mid-run: some jobs were being worked on, most still queued
  first.reset();

  Porticod second(jobHost(run, run, {{"jobs.visibility_timeout_ms", "1500"}}));
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(90), [&] {
    return summary(second, run).at("distinct").as_int() == 1000;
  })) << summary(second, run).dump();
}
