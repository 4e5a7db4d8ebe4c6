// SPDX-License-Identifier: Apache-2.0
// porticod as an operator runs it: command line, config file and environment overrides,
// graceful stop.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <future>
#include <thread>

#include "Generations.h"
#include "Http.h"
#include "Porticod.h"
#include "portico/plugin.h"

using e2e::Porticod;

namespace {

std::pair<int, std::string> run(const std::string& args) {
  return e2e::runCommand(e2e::porticodBinary() + " " + args + " 2>&1");
}

// The commit the checkout is at, as the build reads it ("unknown" outside a git checkout).
std::string sourceCommit() {
  auto [code, out] =
      e2e::runCommand("git -C " PACKAGING_DIR " rev-parse --short=12 HEAD 2>/dev/null");
  return code == 0 && out.size() > 12 ? out.substr(0, 12) : "unknown";
}

std::string abiText() {
  return std::to_string(PORTICO_ABI_MAJOR) + "." + std::to_string(PORTICO_ABI_MINOR);
}

}  // namespace

TEST(Process, VersionAndHelp) {
  auto [vcode, version] = run("--version");
  EXPECT_EQ(vcode, 0);
  // Version, commit, build type and ABI: what a bug report needs.
  std::string expected = "porticod " PORTICO_VERSION " (commit " + sourceCommit();
  EXPECT_EQ(version.rfind(expected, 0), 0u) << version;
  EXPECT_NE(version.find(", plugin ABI " + abiText() + ")"), std::string::npos) << version;
  EXPECT_TRUE(version.find(", RelWithDebInfo,") != std::string::npos ||
              version.find(", Release,") != std::string::npos ||
              version.find(", Debug,") != std::string::npos)
      << version;
  auto [ccode, ctl] = e2e::runCommand(std::string(PORTICOCTL_BINARY) + " --version");
  EXPECT_EQ(ccode, 0);
  EXPECT_EQ(ctl, "porticoctl" + version.substr(std::string("porticod").size())) << ctl;
  auto [hcode, help] = run("--help");
  EXPECT_EQ(hcode, 0);
  EXPECT_NE(help.find("--config"), std::string::npos) << help;
  EXPECT_NE(help.find("PORTICO_HTTP_PORT"), std::string::npos);
}

TEST(Process, MissingConfigFileIsAClearError) {
  auto [code, out] = run("--config=/nonexistent/porticod.properties");
  EXPECT_EQ(code, 78);
  EXPECT_NE(out.find("/nonexistent/porticod.properties"), std::string::npos) << out;
}

TEST(Process, BadConfigValueNamesTheKey) {
  Porticod p({{}, {{"http.threads", "lots"}}, {}, false});
  EXPECT_EQ(p.waitExit(10000), 78);
  EXPECT_NE(p.logs().find("http.threads = 'lots' is not an integer"), std::string::npos)
      << p.logs();
}

TEST(Process, EnvironmentOverridesTheFile) {
  uint16_t envPort = e2e::freePort();
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
              {},
              {{"PORTICO_HTTP_PORT", std::to_string(envPort)}},
              false});
  bool served = false;
  for (int i = 0; i < 500 && !served; ++i) {
    try {
      served = e2e::get(envPort, "/hello/env").status == 200;
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  EXPECT_TRUE(served) << p.logs();
}

TEST(Process, APortInUseIsRefusedNotShared) {
  Porticod first({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  Porticod second({{{e2e::pluginPath("hello.so"), "hello.so"}},
                   {{"http.port", std::to_string(first.port())}},
                   {},
                   false});
  EXPECT_EQ(second.waitExit(10000), 70) << second.logs();
  EXPECT_NE(second.logs().find("Address already in use"), std::string::npos) << second.logs();
  EXPECT_EQ(e2e::get(first.port(), "/hello/still").status, 200);
}

TEST(Process, SigtermDrainsAndExitsCleanly) {
  Porticod p({{{e2e::fixturePath("slow_v1.so"), "slow.so"}}, {}, {}, true});
  auto slow = std::async(std::launch::async, [&] { return e2e::get(p.port(), "/slow?ms=800"); });
  e2e::waitForInflight(p, "slow", 1);
  EXPECT_EQ(p.stop(), 0);
  EXPECT_EQ(slow.get().status, 200) << "a request in flight at SIGTERM still completes";
  EXPECT_NE(p.logs().find("stopped"), std::string::npos);
}

TEST(Process, KeepAliveClientsAreAllAnsweredUnderLoad) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  constexpr int kClients = 64;
  constexpr int kRequests = 20;
  std::atomic<int> clientsDone{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      Poco::Net::HTTPClientSession session("127.0.0.1", p.port());
      session.setTimeout(Poco::Timespan(20, 0));
      int ok = 0;
      for (int i = 0; i < kRequests; ++i) {
        try {
          Poco::Net::HTTPRequest req("GET", "/hello/fair", Poco::Net::HTTPMessage::HTTP_1_1);
          session.sendRequest(req);
          Poco::Net::HTTPResponse res;
          std::string body;
          Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
          if (res.getStatus() == 200) ++ok;
        } catch (const Poco::Exception&) {
          return;
        }
      }
      if (ok == kRequests) ++clientsDone;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(clientsDone.load(), kClients);
}

TEST(Process, HealthAndMetricsSayWhichBuildServes) {
  Porticod p({{}, {}, {}, true});
  auto health = e2e::get(p.port(), "/health").json();
  EXPECT_EQ(health.at("status").as_string(), "ok");
  EXPECT_EQ(health.at("version").as_string(), PORTICO_VERSION);
  EXPECT_EQ(health.at("commit").as_string().substr(0, sourceCommit().size()), sourceCommit());
  EXPECT_EQ(health.at("abi").as_string(), abiText());
  std::string series = "portico_build_info{abi=\"" + abiText() + "\",commit=\"" +
                       health.at("commit").as_string() + "\",version=\"" PORTICO_VERSION "\"}";
  EXPECT_EQ(e2e::metric(p.port(), series), 1.0) << series;
}
