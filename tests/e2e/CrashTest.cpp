// SPDX-License-Identifier: Apache-2.0
// A plugin that crashes the process: the crash is told (plugin, generation, route, request),
// the version that crashed is quarantined at the next start and the last version that served
// without crashing takes its place; an exception out of a raw C handler is a 500, not a hang-up.
#include <gtest/gtest.h>

#include <Poco/File.h>
#include <signal.h>

#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

Porticod::Options crashyHost() {
  return {{{e2e::fixturePath("crashy_v1.so"), "crashy.so"}},
          {{"database.url", ""}, {"redis.url", ""}},
          {},
          true};
}

std::string version(const Porticod& p) {
  return e2e::get(p.port(), "/crashy/version").json().at("version").as_string();
}

}  // namespace

TEST(Crash, TheVersionThatSegfaultsIsQuarantinedAndTheLastGoodOneServes) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan keeps SIGSEGV for its own report (its sigaction interceptor refuses "
                  "ours); the regular build runs this";
#endif
  Porticod p(crashyHost());
  ASSERT_EQ(version(p), "1.0.0");
  auto up = e2e::admin(p, "PUT", "/admin/plugins/crashy",
                       e2e::readFile(e2e::fixturePath("crashy_v2.so")));
  ASSERT_EQ(up.status, 200) << up.body;
  ASSERT_EQ(version(p), "2.0.0");

  try {
    e2e::request(p.port(), "GET", "/crashy/boom", "", {{"X-Request-Id", "crash-probe-1"}});
  } catch (const std::exception&) {
    // the process died under the request: no answer
  }
  EXPECT_EQ(p.waitExit(10000), 128 + SIGSEGV) << "died of the plugin's own signal";
  std::string logs = p.logs();
  EXPECT_NE(logs.find("fatal SIGSEGV in plugin 'crashy' generation 2"), std::string::npos) << logs;
  EXPECT_NE(logs.find("GET /crashy/boom request crash-probe-1"), std::string::npos) << logs;
  EXPECT_TRUE(Poco::File(p.dir() + "/state/crash-record").exists());

  // The upload is still in the plugin dir: without the quarantine the next start would crash-loop.
  std::string deadCopies = p.dir() + "/state/" + std::to_string(p.pid());
  p.relaunch(crashyHost());
  EXPECT_FALSE(Poco::File(deadCopies).exists()) << "the dead process's plugin copies are removed";
  EXPECT_EQ(version(p), "1.0.0") << p.logs();
  EXPECT_EQ(e2e::get(p.port(), "/crashy/boom").status, 200);
  auto listed = e2e::admin(p, "GET", "/admin/plugins").json();
  auto quarantined = listed.at("quarantined").as_array();
  ASSERT_EQ(quarantined.size(), 1u) << listed.dump();
  EXPECT_EQ(quarantined.at(0).at("plugin").as_string(), "crashy");
  std::string reason = quarantined.at(0).at("reason").as_string();
  EXPECT_NE(reason.find("SIGSEGV"), std::string::npos) << reason;
  EXPECT_NE(reason.find("/crashy/boom"), std::string::npos) << reason;
  EXPECT_EQ(e2e::metric(p.port(), "portico_plugin_quarantined{plugin=\"crashy\"}"), 1);
  auto refused = e2e::admin(p, "POST", "/admin/plugins/crashy/reload");
  EXPECT_EQ(refused.status, 423) << refused.body;

  // An operator lifts it: the quarantined version may load again.
  auto lifted = e2e::admin(p, "DELETE", "/admin/plugins/crashy/quarantine");
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_EQ(e2e::metric(p.port(), "portico_plugin_quarantined{plugin=\"crashy\"}"), -1);
  auto reloaded = e2e::admin(p, "POST", "/admin/plugins/crashy/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(version(p), "2.0.0");
  EXPECT_EQ(e2e::admin(p, "DELETE", "/admin/plugins/crashy/quarantine").status, 404);
}

TEST(Crash, AFaultWhileLoadingIsRecordedQuarantinedAndItsUploadCleanedUp) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan keeps SIGSEGV for its own report; the regular build runs this";
#endif
  Porticod p(crashyHost());
  ASSERT_EQ(version(p), "1.0.0");
  const std::string v3 = e2e::readFile(e2e::fixturePath("crashy_v3.so"));
  try {
    e2e::admin(p, "PUT", "/admin/plugins/crashy", v3);
  } catch (const std::exception&) {
    // the process died inside dlopen of the upload: no answer
  }
  EXPECT_EQ(p.waitExit(10000), 128 + SIGSEGV);
  std::string logs = p.logs();
  EXPECT_NE(logs.find("fatal SIGSEGV in plugin 'crashy' generation 0"), std::string::npos) << logs;
  EXPECT_NE(logs.find("while loading " + p.pluginDir() + "/crashy.so"), std::string::npos) << logs;
  std::vector<std::string> left;
  Poco::File(p.pluginDir()).list(left);
  EXPECT_EQ(left.size(), 2u) << "crashy.so and the upload that was being loaded";

  p.relaunch(crashyHost());
  EXPECT_EQ(version(p), "1.0.0") << p.logs();
  left.clear();
  Poco::File(p.pluginDir()).list(left);
  EXPECT_EQ(left, std::vector<std::string>{"crashy.so"}) << "the dead process's upload is removed";
  auto quarantined = e2e::admin(p, "GET", "/admin/plugins").json().at("quarantined").as_array();
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined.at(0).at("plugin").as_string(), "crashy");
  auto [shaCode, sha] = e2e::runCommand("sha256sum " + e2e::fixturePath("crashy_v3.so"));
  EXPECT_EQ(quarantined.at(0).at("sha256").as_string(), sha.substr(0, 64));
  auto again = e2e::admin(p, "PUT", "/admin/plugins/crashy", v3);
  EXPECT_EQ(again.status, 423) << again.body;
  EXPECT_EQ(version(p), "1.0.0");
}

TEST(Crash, AnExceptionOutOfARawHandlerIsA500LoggedAndCounted) {
  Porticod p(crashyHost());
  auto r = e2e::get(p.port(), "/crashy/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.json().at("status").as_int(), 500);
  EXPECT_FALSE(r.json().at("request_id").as_string().empty());
  EXPECT_EQ(e2e::metric(p.port(), "portico_plugin_exceptions_total{plugin=\"crashy\"}"), 1);
  std::string logs = p.logs();
  EXPECT_NE(logs.find("exception escaped: fixture: exception across the C boundary"),
            std::string::npos)
      << logs;
  EXPECT_NE(logs.find("/crashy/throw"), std::string::npos);
  EXPECT_EQ(version(p), "1.0.0") << "the host keeps serving";
}
