// SPDX-License-Identifier: Apache-2.0
// plugins.state_dir and plugins.dir decide what code porticod runs: porticod refuses to start on
// one that another user owns or may write, and names it and why.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/File.h>

#include <string>

#include "Porticod.h"

using e2e::Porticod;

namespace {

constexpr int kExConfig = 78;
constexpr uid_t kNobody = 65534;

class PrivateDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/portico-private-XXXXXX";
    base = ::mkdtemp(pattern);
  }
  void TearDown() override { Poco::File(base).remove(true); }

  // porticod with `key` set to `dir`: its exit status once it has refused, with its logs.
  std::pair<int, std::string> refusedWith(const std::string& key, const std::string& dir) {
    Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
                {{key, dir}, {"database.url", ""}, {"redis.url", ""}},
                {},
                false});
    int status = p.waitExit(10000);
    return {status, p.logs()};
  }

  std::string base;
};

}  // namespace

TEST_F(PrivateDir, AStateDirPlantedByAnotherUserIsRefused) {
  ASSERT_EQ(::geteuid(), 0u) << "the suite runs as root (packaging/dev test), which can chown";
  std::string planted = base + "/state";
  Poco::File(planted + "/quarantine").createDirectories();
  ASSERT_EQ(::chown(planted.c_str(), kNobody, kNobody), 0);
  auto [status, logs] = refusedWith("plugins.state_dir", planted);
  EXPECT_EQ(status, kExConfig) << logs;
  EXPECT_NE(logs.find("plugins.state_dir = " + planted + " is not porticod's own: " + planted +
                      " belongs to uid 65534"),
            std::string::npos)
      << logs;
}

TEST_F(PrivateDir, AStateDirOthersMayWriteIsRefused) {
  std::string open = base + "/state";
  Poco::File(open).createDirectories();
  ASSERT_EQ(::chmod(open.c_str(), 0777), 0);
  auto [status, logs] = refusedWith("plugins.state_dir", open);
  EXPECT_EQ(status, kExConfig) << logs;
  EXPECT_NE(logs.find(open + " may be written by others (mode 0777)"), std::string::npos) << logs;
}

TEST_F(PrivateDir, AStateDirUnderADirectoryOthersMayWriteIsRefused) {
  // Whoever may write the parent may rename the state dir away and put their own in its place.
  ASSERT_EQ(::chmod(base.c_str(), 0777), 0);
  auto [status, logs] = refusedWith("plugins.state_dir", base + "/state");
  EXPECT_EQ(status, kExConfig) << logs;
  EXPECT_NE(logs.find(base + " may be written by others"), std::string::npos) << logs;
}

TEST_F(PrivateDir, APluginDirOthersMayWriteIsRefused) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
              {{"database.url", ""}, {"redis.url", ""}},
              {},
              true});
  ASSERT_EQ(p.stop(), 0);
  ASSERT_EQ(::chmod(p.pluginDir().c_str(), 0777), 0);
  p.relaunch({{}, {{"database.url", ""}, {"redis.url", ""}}, {}, false});
  EXPECT_EQ(p.waitExit(10000), kExConfig) << p.logs();
  EXPECT_NE(p.logs().find("plugins.dir = "), std::string::npos) << p.logs();
  EXPECT_NE(p.logs().find("may be written by others (mode 0777)"), std::string::npos) << p.logs();
}

TEST_F(PrivateDir, AMissingStateDirUnderStickyTmpIsMadePrivate) {
  // /tmp itself is world-writable but sticky: nobody else can rename what porticod makes there.
  std::string fresh = base + "/new/state";
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
              {{"plugins.state_dir", fresh}, {"database.url", ""}, {"redis.url", ""}},
              {},
              true});
  struct stat st {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(st.st_uid, ::geteuid());
}
