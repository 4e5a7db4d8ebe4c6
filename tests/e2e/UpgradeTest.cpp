// SPDX-License-Identifier: Apache-2.0
// Upgrading porticod itself on one host: SIGUSR2 starts the binary now at porticod's path, hands
// it the listening sockets and lets the old process drain. Clients under load see no refused
// connection and no failed request; a successor that cannot start changes nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "Eventually.h"
#include "Generations.h"
#include "Http.h"
#include "LoadClients.h"
#include "Porticod.h"
#include "RequestLoop.h"

using e2e::Porticod;

namespace {

// Installs `source` at `target` the way a package upgrade does: a new file renamed over the old.
void installOver(const std::string& source, const std::string& target) {
  std::filesystem::copy_file(source, target + ".new",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::permissions(target + ".new", std::filesystem::perms::owner_all);
  std::filesystem::rename(target + ".new", target);
}

ino_t inodeOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// A client that opens a new connection for every request, as a browser's first visit does: a
// refused connection shows up here, not in kept-alive clients.
e2e::RequestLoop freshConnections(uint16_t port) {
  return e2e::RequestLoop([port](uint64_t) { return e2e::get(port, "/hello/swap").status == 200; },
                          60);
}

Porticod::Options helloAndSlow() {
  Porticod::Options o;
  o.plugins = {{e2e::pluginPath("hello.so"), "hello.so"},
               {e2e::fixturePath("slow_v1.so"), "slow.so"}};
  return o;
}

std::string ownBinaryPath() {
  auto dir = std::filesystem::temp_directory_path() /
             ("portico-upgrade-bin-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "porticod").string();
  installOver(e2e::porticodBinary(), path);
  return path;
}

}  // namespace

TEST(BinaryUpgrade, UnderLoadNoRequestFailsAndTheNewFileServes) {
  std::string binary = ownBinaryPath();
  Porticod p(helloAndSlow(), binary);
  pid_t old = p.pid();

  e2e::LoadClients kept(p.port(), "/hello/swap", "plugin_version", 4, 60);
  e2e::RequestLoop fresh = freshConnections(p.port());
  // A request the old process is in the middle of when it is told to drain.
  auto inFlight =
      std::async(std::launch::async, [&] { return e2e::get(p.port(), "/slow?ms=1500"); });
  e2e::waitForInflight(p, "slow", 1);

  installOver(e2e::porticodBinary(), binary);
  ino_t installed = inodeOf(binary);
  ASSERT_TRUE(p.upgrade(30000)) << p.logs();
  EXPECT_NE(p.pid(), old);
  EXPECT_EQ(inodeOf("/proc/" + std::to_string(p.pid()) + "/exe"), installed)
      << "the successor runs the file installed at porticod's path";
  // Both kinds of client go on being served, now by the successor.
  uint64_t keptBefore = kept.ok(), freshBefore = fresh.ok();
  EXPECT_TRUE(e2e::eventually(
      std::chrono::seconds(10),
      [&] { return kept.ok() >= keptBefore + 100 && fresh.ok() >= freshBefore + 20; }))
      << "kept " << kept.ok() - keptBefore << ", fresh " << fresh.ok() - freshBefore;
  kept.stop();
  fresh.stop();

  auto slow = inFlight.get();
  EXPECT_EQ(slow.status, 200) << "the request in flight finished on the old process: " << slow.body;
  EXPECT_EQ(kept.failures(), 0u) << (kept.failureSamples().empty() ? "" : kept.failureSamples()[0]);
  EXPECT_EQ(fresh.failures(), 0u) << fresh.firstError();
  EXPECT_GT(kept.ok(), 100u);
  EXPECT_GT(fresh.ok(), 20u);
  EXPECT_EQ(e2e::get(p.port(), "/ready").status, 200);
  EXPECT_EQ(admin(p, "GET", "/admin/plugins").status, 200) << "the admin listener came across too";
  EXPECT_EQ(p.stop(), 0);
  std::filesystem::remove_all(std::filesystem::path(binary).parent_path());
}

TEST(BinaryUpgrade, ASuccessorThatCannotStartChangesNothing) {
  std::string binary = ownBinaryPath();
  Porticod p(helloAndSlow(), binary);
  pid_t old = p.pid();
  {
    std::ofstream broken(binary + ".new");
    broken << "#!/bin/sh\necho 'not porticod' >&2\nexit 3\n";
  }
  std::filesystem::permissions(binary + ".new", std::filesystem::perms::owner_all);
  std::filesystem::rename(binary + ".new", binary);

  EXPECT_FALSE(p.upgrade(10000));
  EXPECT_EQ(p.pid(), old);
  EXPECT_NE(p.logs().find("ended before it was ready (exit 3)"), std::string::npos) << p.logs();
  EXPECT_EQ(e2e::get(p.port(), "/hello/swap").status, 200);
  EXPECT_EQ(e2e::get(p.port(), "/ready").status, 200);
  EXPECT_EQ(p.stop(), 0);
  std::filesystem::remove_all(std::filesystem::path(binary).parent_path());
}

TEST(BinaryUpgrade, UnderSystemdItIsRefusedWithTheWayThatWorksThere) {
  auto options = helloAndSlow();
  options.env["INVOCATION_ID"] = "0123456789abcdef0123456789abcdef";
  Porticod p(options);
  ::kill(p.pid(), SIGUSR2);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] {
    return p.logs().find(
               "SIGUSR2 ignored: under systemd, upgrade with `systemctl restart "
               "porticod` and porticod.socket") != std::string::npos;
  })) << p.logs();
  EXPECT_EQ(p.logs().find("binary upgrade: started"), std::string::npos);
  EXPECT_EQ(e2e::get(p.port(), "/hello/swap").status, 200);
  EXPECT_EQ(p.stop(), 0);
}
