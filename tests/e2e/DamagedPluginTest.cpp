// SPDX-License-Identifier: Apache-2.0
// A damaged plugin file never takes porticod down: each way a file can arrive (admin upload,
// fleet rollout, the plugin dir's watch, the dir at start-up, porticoctl sign) refuses it with the
// cause named before anything maps it, the old generation keeps serving, and nothing is left
// behind. Without the ELF check the truncated files kill porticod with SIGBUS inside dlopen.
#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <Poco/File.h>

#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

struct Damaged {
  std::string name;
  std::string bytes;
  std::string cause;  // what the refusal must say
};

void patch(std::string& bytes, size_t at, const void* value, size_t n) {
  std::memcpy(&bytes[at], value, n);
}

// The damaged files, made from the real hello plugin.
std::vector<Damaged> damagedFiles() {
  const std::string good = e2e::readFile(e2e::pluginPath("hello.so"));
  Elf64_Ehdr eh;
  std::memcpy(&eh, good.data(), sizeof eh);

  std::string pastEnd = good;
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    size_t at = eh.e_phoff + i * sizeof(Elf64_Phdr);
    Elf64_Phdr ph;
    std::memcpy(&ph, &pastEnd[at], sizeof ph);
    if (ph.p_type != PT_LOAD) continue;
    ph.p_filesz += good.size();
    ph.p_memsz += good.size();
    patch(pastEnd, at, &ph, sizeof ph);
    break;
  }
  std::string aarch64 = good;
  uint16_t machine = EM_AARCH64;
  patch(aarch64, offsetof(Elf64_Ehdr, e_machine), &machine, sizeof machine);

  return {{"empty", "", "it is empty"},
          {"header_only", good.substr(0, sizeof(Elf64_Ehdr)), "program headers"},
          {"cut_at_4k", good.substr(0, 4096), "truncated"},
          {"cut_at_half", good.substr(0, good.size() / 2), "truncated"},
          {"segment_past_end", pastEnd, "segment"},
          {"aarch64", aarch64, "built for aarch64"},
          {"text", "this is not a library\n", "not an ELF file"}};
}

std::vector<std::string> filesIn(const std::string& dir) {
  std::vector<std::string> names;
  if (Poco::File(dir).exists()) Poco::File(dir).list(names);
  return names;
}

// Every private copy porticod holds, under <state>/<pid>.
std::vector<std::string> copiesOf(const Porticod& p) {
  return filesIn(p.dir() + "/state/" + std::to_string(p.pid()));
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

Porticod::Options helloOnly(std::map<std::string, std::string> config = {}) {
  return {{{e2e::pluginPath("hello.so"), "hello.so"}}, std::move(config), {}, true};
}

}  // namespace

TEST(DamagedPlugin, AnUploadIsRefusedWithItsCauseAndTheOldVersionServes) {
  Porticod p(helloOnly());
  for (const auto& d : damagedFiles()) {
    auto r = e2e::admin(p, "PUT", "/admin/plugins/hello", d.bytes);
    EXPECT_EQ(r.status, 422) << d.name << ": " << r.body;
    std::string message = r.json().at("message").as_string();
    EXPECT_NE(message.find(d.cause), std::string::npos) << d.name << ": " << message;
    EXPECT_EQ(message.find("-upload-"), std::string::npos)
        << d.name << ": the refusal names the staging file: " << message;
    EXPECT_EQ(e2e::helloVersion(p), "1.0.0") << d.name;
    EXPECT_EQ(filesIn(p.pluginDir()), std::vector<std::string>{"hello.so"}) << d.name;
    EXPECT_EQ(copiesOf(p).size(), 1u) << d.name << ": only generation 1's copy stays";
  }
}

TEST(DamagedPlugin, ARolloutIsRefusedBeforeItReachesTheFleet) {
  std::string fleet =
      "damaged-" + std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr));
  Porticod p(helloOnly({{"rollout.fleet", fleet}, {"rollout.poll_ms", "100"}}));
  for (const auto& d : damagedFiles()) {
    auto r = e2e::admin(p, "PUT", "/admin/rollouts/hello", d.bytes);
    EXPECT_EQ(r.status, 422) << d.name << ": " << r.body;
    std::string message = r.json().at("message").as_string();
    EXPECT_NE(message.find(d.cause), std::string::npos) << d.name << ": " << message;
    EXPECT_EQ(e2e::admin(p, "GET", "/admin/rollouts/hello").status, 404) << d.name;
    EXPECT_EQ(e2e::helloVersion(p), "1.0.0") << d.name;
    EXPECT_EQ(filesIn(p.pluginDir()), std::vector<std::string>{"hello.so"}) << d.name;
    EXPECT_EQ(copiesOf(p).size(), 1u) << d.name;
  }
}

TEST(DamagedPlugin, TheDirWatchRefusesAReplacementAndKeepsServing) {
  Porticod p(helloOnly({{"plugins.watch", "true"}}));
  int refusals = 0;
  for (const auto& d : damagedFiles()) {
    write(p.pluginDir() + "/.hello.tmp", d.bytes);
    ASSERT_EQ(
        std::rename((p.pluginDir() + "/.hello.tmp").c_str(), (p.pluginDir() + "/hello.so").c_str()),
        0);
    ++refusals;
    // Each refusal is one more "load of .../hello.so failed" line naming the cause.
    EXPECT_TRUE(e2e::eventually(
        std::chrono::seconds(10),
        [&] {
          std::string logs = p.logs();
          size_t count = 0;
          for (size_t at = logs.find("hello.so failed"); at != std::string::npos;
               at = logs.find("hello.so failed", at + 1)) {
            ++count;
          }
          return count >= static_cast<size_t>(refusals) && logs.rfind(d.cause) != std::string::npos;
        }))
        << d.name << "\n"
        << p.logs();
    EXPECT_EQ(e2e::helloVersion(p), "1.0.0") << d.name;
    EXPECT_EQ(copiesOf(p).size(), 1u) << d.name;
  }
}

TEST(DamagedPlugin, AtStartUpEachIsRefusedAndTheGoodOnesServe) {
  std::vector<std::string> names;
  Porticod::Options options = helloOnly();
  options.waitUntilReady = true;
  std::string dir = ::testing::TempDir() + "damaged-" + std::to_string(::getpid());
  Poco::File(dir).createDirectories();
  for (const auto& d : damagedFiles()) {
    write(dir + "/" + d.name + ".so", d.bytes);
    options.plugins.push_back({dir + "/" + d.name + ".so", d.name + ".so"});
  }
  Porticod p(options);
  EXPECT_EQ(e2e::helloVersion(p), "1.0.0");
  std::string logs = p.logs();
  for (const auto& d : damagedFiles()) {
    size_t at = logs.find("not loading " + p.pluginDir() + "/" + d.name + ".so");
    ASSERT_NE(at, std::string::npos) << d.name << "\n" << logs;
    EXPECT_NE(logs.substr(at, logs.find('\n', at) - at).find(d.cause), std::string::npos)
        << d.name << "\n"
        << logs;
  }
  EXPECT_EQ(copiesOf(p).size(), 1u);
  Poco::File(dir).remove(true);
}

TEST(DamagedPlugin, PorticoctlSignRefusesItWithTheCause) {
  std::string dir = ::testing::TempDir() + "damaged-sign-" + std::to_string(::getpid());
  Poco::File(dir).createDirectories();
  auto [made, madeOut] =
      e2e::runCommand("openssl genpkey -algorithm ed25519 -out " + dir + "/key.pem 2>&1");
  ASSERT_EQ(made, 0) << madeOut;
  for (const auto& d : damagedFiles()) {
    std::string file = dir + "/" + d.name + ".so";
    write(file, d.bytes);
    auto [code, out] = e2e::runCommand(std::string(PORTICOCTL_BINARY) + " sign " + dir +
                                       "/key.pem " + file + " 2>&1");
    EXPECT_EQ(code, 2) << d.name << ": " << out;
    EXPECT_NE(out.find(d.cause), std::string::npos) << d.name << ": " << out;
    EXPECT_FALSE(Poco::File(file + ".sig").exists()) << d.name;
  }
  Poco::File(dir).remove(true);
}
