// SPDX-License-Identifier: Apache-2.0
// Fleet rollouts: `porticoctl rollout NAME FILE` against one porticod reaches every porticod of
// its fleet through the suite's Redis. That host is the canary; the others follow once it has
// served the plugin for rollout.canary_ms without a 5xx answer; a host started later converges
// before it serves; a host that refuses the plugin, or a canary that sees errors, halts it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "Eventually.h"
#include "Http.h"
#include "LoadClients.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

constexpr int kCanaryMs = 1500;

// Every test its own fleet: hosts of other tests share the suite's Redis.
std::string fleetName(const char* name) {
  return std::string(name) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(std::time(nullptr));
}

Porticod::Options fleetHost(const std::string& fleet, const std::string& id,
                            std::vector<std::pair<std::string, std::string>> plugins,
                            std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> config = {{"rollout.fleet", fleet},
                                               {"rollout.host_id", id},
                                               {"rollout.poll_ms", "100"},
                                               {"rollout.canary_ms", std::to_string(kCanaryMs)}};
  for (auto& [k, v] : extra) config[k] = v;
  return {std::move(plugins), config, {}, true};
}

Porticod::Options helloHost(const std::string& fleet, const std::string& id,
                            std::map<std::string, std::string> extra = {}) {
  return fleetHost(fleet, id, {{e2e::pluginPath("hello.so"), "hello.so"}}, std::move(extra));
}

portico::json::Value status(const Porticod& p, const std::string& name) {
  auto [code, out] = e2e::porticoctl(p, "rollout status " + name);
  EXPECT_EQ(code, 0) << out;
  return portico::json::parse(out);
}

std::map<std::string, portico::json::Value> hostsOf(const portico::json::Value& rollout) {
  std::map<std::string, portico::json::Value> out;
  for (const auto& h : rollout.at("hosts").as_array()) out[h.at("host").as_string()] = h;
  return out;
}

std::string sha256Of(const std::string& path) {
  auto [code, out] = e2e::runCommand("sha256sum " + path);
  return out.substr(0, 64);
}

}  // namespace

TEST(Rollout, TheCanaryFirstThenEveryHostThenOneStartedLater) {
  std::string fleet = fleetName("rollout");
  Porticod a(helloHost(fleet, "a"));
  Porticod b(helloHost(fleet, "b"));
  Porticod c(helloHost(fleet, "c"));
  e2e::LoadClients load(b.port(), "/hello/swap", "plugin_version", 2, 60);

  auto [code, out] = e2e::porticoctl(a, "rollout hello " + e2e::fixturePath("hello_v2.so"));
  ASSERT_EQ(code, 0) << out;
  auto published = portico::json::parse(out);
  EXPECT_EQ(published.at("state").as_string(), "canary");
  EXPECT_EQ(published.at("canary").as_string(), "a");
  EXPECT_EQ(published.at("version").as_string(), "2.0.0");

  ASSERT_TRUE(
      e2e::eventually(std::chrono::seconds(5), [&] { return e2e::helloVersion(a) == "2.0.0"; }));
  // The canary window: the others still serve what they had.
  EXPECT_EQ(e2e::helloVersion(b), "1.0.0");
  EXPECT_EQ(e2e::helloVersion(c), "1.0.0");
  EXPECT_EQ(status(a, "hello").at("state").as_string(), "canary");

  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10), [&] {
    return e2e::helloVersion(b) == "2.0.0" && e2e::helloVersion(c) == "2.0.0";
  })) << status(a, "hello").dump();
  load.stop();
  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0]);

  std::string sha = sha256Of(e2e::fixturePath("hello_v2.so"));
  auto rollout = status(c, "hello");
  EXPECT_EQ(rollout.at("state").as_string(), "rolling");
  EXPECT_EQ(rollout.at("sha256").as_string(), sha);
  auto hosts = hostsOf(rollout);
  ASSERT_EQ(hosts.size(), 3u) << rollout.dump();
  for (const auto& [id, h] : hosts) {
    EXPECT_EQ(h.at("state").as_string(), "applied") << id;
    EXPECT_EQ(h.at("sha256").as_string(), sha) << id;
    EXPECT_EQ(h.at("version").as_string(), "2.0.0") << id;
    EXPECT_EQ(h.at("generation").as_int(), 2) << id;
  }

  // Started with 1.0.0 in its plugin dir, it serves 2.0.0 from its first request.
  Porticod d(helloHost(fleet, "d"));
  EXPECT_EQ(e2e::helloVersion(d), "2.0.0");
  auto late = hostsOf(status(a, "hello"));
  ASSERT_EQ(late.count("d"), 1u);
  EXPECT_EQ(late.at("d").at("state").as_string(), "applied");
}

TEST(Rollout, AHostThatRefusesThePluginHaltsTheRolloutAndKeepsItsVersion) {
  std::string fleet = fleetName("refused");
  char pattern[] = "/tmp/portico-rollout-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  auto [made, madeOut] = e2e::runCommand(
      "cd " + dir + " && openssl genpkey -algorithm ed25519 -out key.pem && openssl pkey -in " +
      "key.pem -pubout -out key.pub && cp " + e2e::pluginPath("hello.so") + " hello.so && " +
      PORTICOCTL_BINARY + " sign key.pem " + dir + "/hello.so 2>&1");
  ASSERT_EQ(made, 0) << madeOut;
  Porticod a(helloHost(fleet, "a"));
  Porticod b(helloHost(fleet, "b"));
  // c loads only what its key signed: its own hello is signed, the rolled-out one is not.
  Porticod c(fleetHost(
      fleet, "c", {{dir + "/hello.so", "hello.so"}, {dir + "/hello.so.sig", "hello.so.sig"}},
      {{"plugins.require_signature", "true"}, {"plugins.trusted_keys", dir + "/key.pub"}}));
  ASSERT_EQ(e2e::helloVersion(c), "1.0.0");

  auto [code, out] = e2e::porticoctl(a, "rollout hello " + e2e::fixturePath("hello_v2.so"));
  ASSERT_EQ(code, 0) << out;
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(15), [&] {
    return status(a, "hello").at("state").as_string() == "halted";
  })) << status(a, "hello").dump();
  auto rollout = status(a, "hello");
  EXPECT_NE(rollout.at("error").as_string().find("host c: "), std::string::npos) << rollout.dump();
  EXPECT_NE(rollout.at("error").as_string().find("unsigned"), std::string::npos) << rollout.dump();
  auto hosts = hostsOf(rollout);
  EXPECT_EQ(hosts.at("c").at("state").as_string(), "failed");
  EXPECT_EQ(e2e::helloVersion(c), "1.0.0") << "the host that refused still serves its version";
  EXPECT_EQ(e2e::helloVersion(a), "2.0.0");
  e2e::runCommand("rm -rf " + dir);
}

TEST(Rollout, ACanaryThatAnswers5xxRollsItselfBackAndNoOtherHostGetsIt) {
  std::string fleet = fleetName("canary-errors");
  auto crashyHost = [&](const char* id) {
    return fleetHost(fleet, id, {{e2e::fixturePath("crashy_v1.so"), "crashy.so"}},
                     {{"rollout.canary_ms", "60000"}});
  };
  Porticod a(crashyHost("a"));
  Porticod b(crashyHost("b"));
  auto crashyVersion = [](const Porticod& p) {
    auto r = e2e::get(p.port(), "/crashy/version");
    return r.status == 200 ? r.json().at("version").as_string() : "";
  };

  auto [code, out] = e2e::porticoctl(a, "rollout crashy " + e2e::fixturePath("crashy_v2.so"));
  ASSERT_EQ(code, 0) << out;
  ASSERT_TRUE(
      e2e::eventually(std::chrono::seconds(5), [&] { return crashyVersion(a) == "2.0.0"; }));
  EXPECT_EQ(e2e::get(a.port(), "/crashy/throw").status, 500);

  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10), [&] {
    return status(a, "crashy").at("state").as_string() == "halted";
  })) << status(a, "crashy").dump();
  auto rollout = status(b, "crashy");
  EXPECT_NE(rollout.at("error").as_string().find("canary a: 1 answer(s) 5xx"), std::string::npos)
      << rollout.dump();
  EXPECT_EQ(hostsOf(rollout).at("a").at("state").as_string(), "rolled_back");
  EXPECT_EQ(crashyVersion(a), "1.0.0") << "the canary went back to what it ran before";
  EXPECT_EQ(crashyVersion(b), "1.0.0");
  EXPECT_EQ(hostsOf(rollout).count("b"), 0u) << "b never took part";
}

TEST(Rollout, ACanaryThatDiesInItsWindowHaltsTheRolloutAndTheOthersKeepTheirVersion) {
  std::string fleet = fleetName("canary-gone");
  Porticod a(helloHost(fleet, "a"));
  Porticod b(helloHost(fleet, "b"));
  Porticod c(helloHost(fleet, "c"));

  auto [code, out] = e2e::porticoctl(a, "rollout hello " + e2e::fixturePath("hello_v2.so"));
  ASSERT_EQ(code, 0) << out;
  ASSERT_TRUE(
      e2e::eventually(std::chrono::seconds(5), [&] { return e2e::helloVersion(a) == "2.0.0"; }));
  a.kill9();

  // canary_ms (1.5 s) plus the 5 s grace, with room for a loaded machine.
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(20), [&] {
    return status(b, "hello").at("state").as_string() == "halted";
  })) << status(b, "hello").dump();
  auto rollout = status(c, "hello");
  EXPECT_NE(rollout.at("error").as_string().find("canary a did not end its window"),
            std::string::npos)
      << rollout.dump();
  EXPECT_EQ(e2e::helloVersion(b), "1.0.0");
  EXPECT_EQ(e2e::helloVersion(c), "1.0.0");
  EXPECT_EQ(hostsOf(rollout).count("b"), 0u) << "b never took part";
}
