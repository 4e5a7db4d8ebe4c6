// Plugins built against the *installed* plugin-api package (CMake package and pkg-config) load
// and serve. The abi.build_out_of_tree CTest fixture builds them first.
#include <gtest/gtest.h>

#include "Http.h"
#include "Porticod.h"

TEST(OutOfTree, TemplateAndPkgConfigPluginsLoadAndServe) {
  std::string dir = BUILD_DIR "/out-of-tree/";
  e2e::Porticod p({{{dir + "my_plugin.so", "my_plugin.so"}, {dir + "cplugin_pc.so", "cplugin.so"}},
                   {{"plugin.my_plugin.greeting", "bonjour"}},
                   {},
                   true});
  auto r = e2e::get(p.port(), "/my_plugin/greet/ada?punctuation=%21");
  ASSERT_EQ(r.status, 200) << r.body << p.logs();
  EXPECT_EQ(r.json().at("greeting").as_string(), "bonjour, ada!");
  EXPECT_EQ(e2e::get(p.port(), "/my_plugin/greet/ada?punctuation=!!!!").status, 400);
  // The template's signed-in route: the host refuses an anonymous caller before the plugin runs.
  EXPECT_EQ(e2e::get(p.port(), "/my_plugin/whoami").status, 401);
  // The template carries its migration (MIGRATIONS in its CMakeLists): the table exists.
  auto first = e2e::request(p.port(), "POST", "/my_plugin/visits/out-of-tree");
  ASSERT_EQ(first.status, 200) << first.body << p.logs();
  auto second = e2e::request(p.port(), "POST", "/my_plugin/visits/out-of-tree");
  EXPECT_EQ(second.json().at("visits").as_int(), first.json().at("visits").as_int() + 1);
  auto c = e2e::get(p.port(), "/c/grace");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json().at("name").as_string(), "grace");
}
