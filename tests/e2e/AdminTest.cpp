// SPDX-License-Identifier: Apache-2.0
// The admin API: its token, its own listener, and what porticoctl does with it.
#include <gtest/gtest.h>

#include <Poco/File.h>

#include <thread>

#include "Http.h"
#include "Porticod.h"
#include "portico/plugin.h"

using e2e::admin;
using e2e::Porticod;

TEST(Admin, RefusesMissingAndWrongTokens) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto none = e2e::adminWithToken(p, "", "GET", "/admin/plugins");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.headers["www-authenticate"].find("Bearer"), std::string::npos);
  EXPECT_TRUE(none.json().at("message").is_string());
  auto wrong = e2e::adminWithToken(p, "test-admin-tokem", "GET", "/admin/plugins");
  EXPECT_EQ(wrong.status, 403);
  auto shorter = e2e::adminWithToken(p, "test", "POST", "/admin/plugins/hello/reload");
  EXPECT_EQ(shorter.status, 403);
  auto basic = e2e::request(p.adminPort(), "GET", "/admin/plugins", "",
                            {{"Authorization", "Basic dGVzdDp0ZXN0"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_EQ(admin(p, "GET", "/admin/plugins").status, 200);
}

TEST(Admin, IsNotServedOnThePublicPort) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto r = e2e::request(p.port(), "GET", "/admin/plugins", "",
                        {{"Authorization", "Bearer " + p.token()}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(e2e::request(p.port(), "POST", "/admin/plugins/hello/reload", "",
                         {{"Authorization", "Bearer " + p.token()}})
                .status,
            404);
}

TEST(Admin, EmptyTokenRefusesToStart) {
  Porticod p({{}, {{"admin.token", ""}}, {}, false});
  EXPECT_EQ(p.waitExit(10000), 78);  // EX_CONFIG
  EXPECT_NE(p.logs().find("admin.token is empty"), std::string::npos) << p.logs();
}

TEST(Admin, ListsPluginDetails) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto list = admin(p, "GET", "/admin/plugins").json();
  const auto& hello = list.at("plugins").as_array().at(0);
  EXPECT_EQ(hello.at("name").as_string(), "hello");
  EXPECT_EQ(hello.at("version").as_string(), "1.0.0");
  EXPECT_EQ(hello.at("abi").as_string(),
            std::to_string(PORTICO_ABI_MAJOR) + "." + std::to_string(PORTICO_ABI_MINOR));
  EXPECT_EQ(hello.at("generation").as_int(), 1);
  EXPECT_EQ(hello.at("state").as_string(), "active");
  EXPECT_EQ(hello.at("sha256").as_string().size(), 64u);
  EXPECT_EQ(hello.at("inflight").as_int(), 0);
  EXPECT_EQ(hello.at("routes").as_array().at(0).at("path").as_string(), "/hello/{name}");
}

TEST(Admin, UnloadRemovesRoutesAndFile) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  EXPECT_EQ(admin(p, "DELETE", "/admin/plugins/hello").status, 200);
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").status, 404);
  EXPECT_FALSE(Poco::File(p.pluginDir() + "/hello.so").exists());
  EXPECT_EQ(admin(p, "DELETE", "/admin/plugins/hello").status, 404);
  EXPECT_EQ(admin(p, "POST", "/admin/plugins/nope/reload").status, 404);
  EXPECT_EQ(admin(p, "PUT", "/admin/plugins/Bad..Name", "x").status, 400);
  // Installing it again through the API puts it back, file and all.
  auto r = admin(p, "PUT", "/admin/plugins/hello", e2e::readFile(e2e::pluginPath("hello.so")));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Poco::File(p.pluginDir() + "/hello.so").exists());
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").status, 200);
}

TEST(Admin, GarbageUploadIsRefusedAndLeavesNothingBehind) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto r = admin(p, "PUT", "/admin/plugins/hello", std::string(4096, 'x'));
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.json().at("message").as_string().find("cannot load"), std::string::npos);
  std::vector<std::string> files;
  Poco::File(p.pluginDir()).list(files);
  EXPECT_EQ(files, std::vector<std::string>{"hello.so"});
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").status, 200);
}

TEST(Admin, PorticoctlMakesTheSameCalls) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto [listCode, list] = e2e::porticoctl(p, "list");
  EXPECT_EQ(listCode, 0);
  EXPECT_NE(list.find("\"name\":\"hello\""), std::string::npos) << list;
  EXPECT_EQ(porticoctl(p, "install hello " + e2e::fixturePath("hello_v2.so")).first, 0);
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").json().at("plugin_version").as_string(), "2.0.0");
  EXPECT_EQ(porticoctl(p, "reload hello").first, 0);
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").json().at("plugin_version").as_string(), "2.0.0");
  EXPECT_EQ(porticoctl(p, "unload hello").first, 0);
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").status, 404);
  EXPECT_NE(porticoctl(p, "reload hello").first, 0);
  EXPECT_EQ(porticoctl(p, "bogus 2>/dev/null").first, 2);
}

TEST(Admin, WatchReloadsAPluginReplacedByAtomicRename) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {{"plugins.watch", "true"}}, {}, true});
  Poco::File(e2e::fixturePath("hello_v2.so")).copyTo(p.pluginDir() + "/.hello.tmp");
  ASSERT_EQ(
      std::rename((p.pluginDir() + "/.hello.tmp").c_str(), (p.pluginDir() + "/hello.so").c_str()),
      0);
  std::string version;
  for (int i = 0; i < 300 && version != "2.0.0"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    version = e2e::get(p.port(), "/hello/x").json().at("plugin_version").as_string();
  }
  EXPECT_EQ(version, "2.0.0") << p.logs();
  EXPECT_EQ(admin(p, "GET", "/admin/plugins")
                .json()
                .at("plugins")
                .as_array()
                .at(0)
                .at("generation")
                .as_int(),
            2);
}
