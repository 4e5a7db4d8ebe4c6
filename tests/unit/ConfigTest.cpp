// SPDX-License-Identifier: Apache-2.0
#include "config/Config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "app/Settings.h"

using portico::config::Config;
using portico::config::ConfigError;

TEST(Config, EnvNames) {
  EXPECT_EQ(Config::envName("http.port"), "PORTICO_HTTP_PORT");
  EXPECT_EQ(Config::envName("plugin.my-plugin.key"), "PORTICO_PLUGIN_MY_PLUGIN_KEY");
}

TEST(Config, FileOverDefaultsAndEnvironmentOverFile) {
  std::string path = ::testing::TempDir() + "/portico-config-test.properties";
  std::ofstream(path)
      << "# comment\nhttp.port = 9000\nlog.level=debug\nplugin.hello.greeting = hi there\n";
  Config cfg = Config::fromFile(path);
  EXPECT_EQ(cfg.getInt("http.port"), 9000);
  EXPECT_EQ(cfg.getInt("admin.port"), 8081) << "from the built-in defaults";
  EXPECT_EQ(cfg.find("plugin.hello.greeting").value_or(""), "hi there");
  setenv("PORTICO_HTTP_PORT", "9100", 1);
  EXPECT_EQ(cfg.getInt("http.port"), 9100);
  unsetenv("PORTICO_HTTP_PORT");
  EXPECT_FALSE(cfg.find("plugin.hello.missing"));
}

TEST(Config, AKeyWithoutADefaultIsAProgrammingError) {
  Config cfg;
  try {
    cfg.getInt("http.no_such_setting");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("http.no_such_setting has no default"), std::string::npos);
  }
}

TEST(Config, BadValuesNameTheKey) {
  Config cfg;
  cfg.set("http.port", "12abc");
  cfg.set("admin.port", "70000");
  cfg.set("admin.enabled", "maybe");
  try {
    cfg.getInt("http.port");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("http.port = '12abc' is not an integer"),
              std::string::npos);
  }
  EXPECT_THROW(cfg.getInt("admin.port", 0, 65535), ConfigError);
  EXPECT_THROW(cfg.getBool("admin.enabled"), ConfigError);
  EXPECT_THROW(Config::fromFile("/nonexistent/file.properties"), ConfigError);
}

// conf/porticod.properties is the host's defaults (compiled in): every key it lists is read by
// some setting, and every setting the host reads is listed there. Plugin sections belong to
// their plugins.
TEST(Config, EverySettingIsDocumentedAndEveryDocumentedKeyIsASetting) {
  Config cfg;
  portico::app::Settings::read(cfg);
  std::set<std::string> documented;
  for (const auto& key : cfg.defaultKeys()) {
    if (key.rfind("plugin.", 0) != 0) documented.insert(key);
  }
  std::set<std::string> read = cfg.keysRead();
  for (const auto& key : documented) {
    EXPECT_TRUE(read.count(key)) << key << " is in conf/porticod.properties but nothing reads it";
  }
  for (const auto& key : read) {
    EXPECT_TRUE(documented.count(key)) << key << " is read but not in conf/porticod.properties";
  }
  EXPECT_GT(read.size(), 50u);
}
