#include "config/Config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using portico::config::Config;
using portico::config::ConfigError;

TEST(Config, EnvNames) {
  EXPECT_EQ(Config::envName("http.port"), "PORTICO_HTTP_PORT");
  EXPECT_EQ(Config::envName("plugin.my-plugin.key"), "PORTICO_PLUGIN_MY_PLUGIN_KEY");
}

TEST(Config, FileValuesAndEnvironmentOverride) {
  std::string path = ::testing::TempDir() + "/portico-config-test.properties";
  std::ofstream(path)
      << "# comment\nhttp.port = 9000\nlog.level=debug\nplugin.hello.greeting = hi there\n";
  Config cfg = Config::fromFile(path);
  EXPECT_EQ(cfg.getInt("http.port", 1), 9000);
  EXPECT_EQ(cfg.getString("plugin.hello.greeting", ""), "hi there");
  setenv("PORTICO_HTTP_PORT", "9100", 1);
  EXPECT_EQ(cfg.getInt("http.port", 1), 9100);
  unsetenv("PORTICO_HTTP_PORT");
  EXPECT_EQ(cfg.getInt("missing.key", 7), 7);
}

TEST(Config, BadValuesNameTheKey) {
  Config cfg;
  cfg.set("a.int", "12abc");
  cfg.set("a.range", "70000");
  cfg.set("a.bool", "maybe");
  try {
    cfg.getInt("a.int", 0);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a.int = '12abc' is not an integer"), std::string::npos);
  }
  EXPECT_THROW(cfg.getInt("a.range", 0, 0, 65535), ConfigError);
  EXPECT_THROW(cfg.getBool("a.bool", false), ConfigError);
  EXPECT_THROW(Config::fromFile("/nonexistent/file.properties"), ConfigError);
}
