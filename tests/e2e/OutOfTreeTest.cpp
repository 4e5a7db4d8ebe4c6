// SPDX-License-Identifier: Apache-2.0
// The two templates and ABI.md's C example, built by abi.build_out_of_tree against the SDK
// installed on its own (CMake package and pkg-config), load and serve: every host service the C++
// template shows works, and the client's mistakes answer 400 naming the field.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "Http.h"
#include "Porticod.h"

namespace json = portico::json;

TEST(OutOfTree, TemplatesBuiltAgainstTheInstalledSdkServeEveryService) {
  std::string dir = BUILD_DIR "/out-of-tree/";
  e2e::Porticod p({{{dir + "my_plugin.so", "my_plugin.so"},
                    {dir + "my_c_plugin.so", "my_c_plugin.so"},
                    {dir + "hello_c.so", "hello_c.so"}},
                   {{"plugin.my_plugin.greeting", "bonjour"}},
                   {},
                   true});
  auto greet = e2e::get(p.port(), "/my_plugin/greet/ada");
  ASSERT_EQ(greet.status, 200) << greet.body << p.logs();
  EXPECT_EQ(greet.json().at("greeting").as_string(), "bonjour, ada");

  // PostgreSQL through the template's own migration, then the job fills in the word count and
  // the event it publishes is logged.
  auto created = e2e::request(p.port(), "POST", "/my_plugin/notes",
                              R"({"text": "three short words", "stars": 4})");
  ASSERT_EQ(created.status, 201) << created.body << p.logs();
  int64_t id = created.json().at("id").as_int();
  std::string path = "/my_plugin/notes/" + std::to_string(id);
  json::Value note;
  for (int i = 0; i < 250; ++i) {
    note = e2e::get(p.port(), path).json();
    if (!note.at("words").is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(note.at("text").as_string(), "three short words");
  EXPECT_EQ(note.at("stars").as_int(), 4);
  ASSERT_TRUE(note.at("words").is_int()) << note.dump() << p.logs();
  EXPECT_EQ(note.at("words").as_int(), 3);
  std::string logged = "note " + std::to_string(id) + " has 3 words";
  for (int i = 0; i < 100 && p.logs().find(logged) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(p.logs().find(logged), std::string::npos) << "the event was not logged";
  EXPECT_EQ(e2e::get(p.port(), "/my_plugin/notes/999999999").status, 404);

  auto hits = e2e::request(p.port(), "POST", "/my_plugin/hits/out-of-tree");
  ASSERT_EQ(hits.status, 200) << hits.body;
  auto again = e2e::request(p.port(), "POST", "/my_plugin/hits/out-of-tree");
  EXPECT_EQ(again.json().at("hits").as_int(), hits.json().at("hits").as_int() + 1);

  // A client's mistakes, named: the SDK's input checks at work in a third party's build.
  struct Case {
    std::string method, path, body, message;
  };
  for (const Case& c : std::vector<Case>{
           {"POST", "/my_plugin/notes", R"({"stars": 4})", "field 'text' is required"},
           {"POST", "/my_plugin/notes", R"({"text": 7, "stars": 4})",
            "field 'text' must be a string"},
           {"POST", "/my_plugin/notes", R"({"text": "x", "stars": 9})",
            "field 'stars' must be an integer from 1 to 5"},
           {"POST", "/my_plugin/notes", R"({"text": "x", "stars": 4, "star": 1})",
            "unknown field 'star'"},
           {"GET", "/my_plugin/notes/abc", "", "path parameter 'id' must be an integer"},
       }) {
    auto r = e2e::request(p.port(), c.method, c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
    EXPECT_NE(r.body.find(c.message), std::string::npos) << c.body << ": " << r.body;
  }

  auto c = e2e::get(p.port(), "/my_c_plugin/greet/grace");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json().at("greeting").as_string(), "hello, grace");
  auto refused = e2e::get(p.port(), "/my_c_plugin/greet/a%22b");
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.json().at("status").as_int(), 400);
  EXPECT_EQ(refused.json().at("request_id").as_string(), refused.headers["x-request-id"])
      << "the C template's error has the shape of every Portico error";

  auto smallest = e2e::get(p.port(), "/hello");
  ASSERT_EQ(smallest.status, 200) << smallest.body;
  EXPECT_EQ(smallest.json().at("hello").as_string(), "world");
}
