// SPDX-License-Identifier: Apache-2.0
// The ABI promise against real old binaries: plugins built from the released 1.0 and 1.1 headers
// (tests/abi/released) load into today's porticod, serve a request in which they check every
// member they use, and hot-swap to their next version under load without a failed request.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "Eventually.h"
#include "Http.h"
#include "LoadClients.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

class AbiReleased : public ::testing::TestWithParam<int> {};

}  // namespace

TEST_P(AbiReleased, AnOldPluginLoadsServesAndHotSwaps) {
  const std::string name = "abi_1_" + std::to_string(GetParam());
  Porticod p({{{e2e::fixturePath(name + "_v1.so"), name + ".so"}},
              {{"plugin." + name + ".greeting", "hallo"}},
              {},
              true});
  const std::string path = "/" + name + "/echo/hi?q=1";
  auto reply = e2e::request(p.port(), "GET", path, "", {{"X-Abi-Check", "yes"}});
  ASSERT_EQ(reply.status, 200) << reply.body << "\n" << p.logs();
  auto doc = reply.json();
  // Each entry names a struct member that did not behave as the released header promised.
  EXPECT_EQ(doc.at("problems").dump(), "[]") << reply.body;
  EXPECT_EQ(doc.at("built_against").as_string(), "1." + std::to_string(GetParam()));
  EXPECT_EQ(doc.at("version").as_string(), "1.0.0");
  EXPECT_EQ(doc.at("word").as_string(), "hi");
  EXPECT_EQ(doc.at("host_version").as_string(), PORTICO_VERSION);
  EXPECT_EQ(reply.headers["x-abi-built-against"], name);

  e2e::LoadClients load(p.port(), path, "version", 2, 60);
  ASSERT_TRUE(load.answersMore(20)) << "the load runs before the swap";
  auto installed = e2e::admin(p, "PUT", "/admin/plugins/" + name,
                              e2e::readFile(e2e::fixturePath(name + "_v2.so")));
  ASSERT_EQ(installed.status, 200) << installed.body;
  EXPECT_TRUE(e2e::eventually([&] {
    auto r = e2e::request(p.port(), "GET", path, "", {{"X-Abi-Check", "yes"}});
    return r.status == 200 && r.json().at("version").as_string() == "2.0.0";
  }));
  EXPECT_TRUE(load.answersMore(20)) << "and after it";
  load.stop();
  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0]);
  EXPECT_GT(load.ok(), 0u);
  auto after = e2e::request(p.port(), "GET", path, "", {{"X-Abi-Check", "yes"}}).json();
  EXPECT_EQ(after.at("problems").dump(), "[]");
}

INSTANTIATE_TEST_SUITE_P(Minor, AbiReleased, ::testing::Values(0, 1),
                         [](const auto& param) { return "Abi1_" + std::to_string(param.param); });
