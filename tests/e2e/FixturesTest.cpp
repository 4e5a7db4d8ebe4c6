// SPDX-License-Identifier: Apache-2.0
// Every failure mode of a plugin is refused or contained, with a message naming the cause, and
// the version loaded before keeps serving.
#include <gtest/gtest.h>

#include "Http.h"
#include "Porticod.h"
#include "portico/plugin.h"

using e2e::admin;
using e2e::Porticod;

namespace {

struct Refusal {
  std::string file;       // in <build>/fixtures
  std::string installAs;  // PUT /admin/plugins/<installAs>
  int status;
  std::string cause;  // must appear in the error message
};

void PrintTo(const Refusal& r, std::ostream* os) {
  *os << r.file;
}

class Refused : public ::testing::TestWithParam<Refusal> {};

}  // namespace

TEST_P(Refused, WithItsCauseWhileTheLoadedVersionKeepsServing) {
  const Refusal& f = GetParam();
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}}, {}, {}, true});
  auto r =
      admin(p, "PUT", "/admin/plugins/" + f.installAs, e2e::readFile(e2e::fixturePath(f.file)));
  EXPECT_EQ(r.status, f.status) << r.body;
  std::string message = r.json().at("message").as_string();
  EXPECT_NE(message.find(f.cause), std::string::npos) << message;
  EXPECT_NE(p.logs().find(f.cause), std::string::npos) << "the refusal is logged too";

  auto hello = e2e::get(p.port(), "/hello/still");
  ASSERT_EQ(hello.status, 200);
  EXPECT_EQ(hello.json().at("plugin_version").as_string(), "1.0.0");
  auto list = admin(p, "GET", "/admin/plugins").json().at("plugins").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("generation").as_int(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Refused,
    ::testing::Values(
        Refusal{"abi_major.so", "hello", 422, "abi_major mismatch: plugin was built for ABI 2.0"},
        Refusal{"abi_minor.so", "hello", 422,
                "abi_minor too new: plugin was built for ABI 1." +
                    std::to_string(PORTICO_ABI_MINOR + 1)},
        Refusal{"no_entry.so", "hello", 422, "exports no portico_plugin_negotiate symbol"},
        Refusal{"small_table.so", "hello", 422, "hooks table too small"},
        Refusal{"init_fails.so", "hello", 422,
                "init failed (status 8): fixture: required setting 'database' is missing"},
        Refusal{"conflict.so", "conflict", 409,
                "route GET /hello/{who} of plugin 'conflict' conflicts with GET /hello/{name} of "
                "plugin 'hello'"},
        Refusal{"hello_v2.so", "other", 422, "declares plugin 'hello', not 'other'"}));

TEST(Fixtures, BrokenPluginsInTheDirAreSkippedAtStartWithTheirCause) {
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"},
               {e2e::fixturePath("abi_major.so"), "abi_major.so"},
               {e2e::fixturePath("no_entry.so"), "no_entry.so"},
               {e2e::fixturePath("conflict.so"), "zz_conflict.so"},
               {e2e::fixturePath("hello_v2.so"), "zz_duplicate.so"}},
              {},
              {},
              true});
  EXPECT_EQ(e2e::get(p.port(), "/hello/x").json().at("plugin_version").as_string(), "1.0.0");
  std::string logs = p.logs();
  EXPECT_NE(logs.find("abi_major mismatch"), std::string::npos) << logs;
  EXPECT_NE(logs.find("exports no portico_plugin_negotiate"), std::string::npos) << logs;
  EXPECT_NE(logs.find("conflicts with GET /hello/{name} of plugin 'hello'"), std::string::npos);
  EXPECT_NE(logs.find("duplicate plugin name 'hello'"), std::string::npos) << logs;
  EXPECT_EQ(admin(p, "GET", "/admin/plugins").json().at("plugins").as_array().size(), 1u);
}

TEST(Fixtures, ThrowingHandlerIsContainedAsJson500) {
  Porticod p(
      {{{e2e::pluginPath("hello.so"), "hello.so"}, {e2e::fixturePath("throws.so"), "throws.so"}},
       {},
       {},
       true});
  auto r = e2e::get(p.port(), "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.json().at("message").as_string(), "internal error in plugin 'thrower'");
  EXPECT_EQ(r.json().at("request_id").as_string(), r.headers["x-request-id"]);
  EXPECT_EQ(r.body.find("exploded"), std::string::npos) << "the exception text stays in the log";
  EXPECT_NE(p.logs().find("fixture: handler exploded"), std::string::npos);

  auto teapot = e2e::get(p.port(), "/throw/http");
  EXPECT_EQ(teapot.status, 418);
  EXPECT_EQ(teapot.json().at("message").as_string(), "fixture: teapot");

  for (int i = 0; i < 20; ++i) ASSERT_EQ(e2e::get(p.port(), "/throw").status, 500);
  EXPECT_EQ(e2e::get(p.port(), "/hello/after").status, 200);
  // Each exception the SDK caught is counted; the HttpError was an answer, not a failure.
  EXPECT_EQ(e2e::metric(p.port(), "portico_plugin_exceptions_total{plugin=\"thrower\"}"), 21);
}

TEST(Fixtures, AClientsMistakeIs400NamingTheFieldAndThePluginsOwnIs500) {
  Porticod p({{{e2e::fixturePath("throws.so"), "throws.so"}}, {}, {}, true});
  const std::string good = R"({"n": 3, "user": {"name": "ada"}, "tags": ["a", "b"]})";
  auto ok = e2e::request(p.port(), "POST", "/throw/input?page=2", good);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("name").as_string(), "ada");
  EXPECT_EQ(ok.json().at("page").as_int(), 2);

  struct Case {
    std::string target, body, message;
  };
  const std::vector<Case> cases = {
      {"/throw/input", "[1, 2]", "request body must be an object"},
      {"/throw/input", "{\"n\": ", "request body is not valid JSON"},
      {"/throw/input", R"({"user": {"name": "ada"}, "tags": []})", "field 'n' is required"},
      {"/throw/input", R"({"n": "3", "user": {"name": "ada"}, "tags": []})",
       "field 'n' must be an integer from 1 to 10"},
      {"/throw/input", R"({"n": 11, "user": {"name": "ada"}, "tags": []})",
       "field 'n' must be an integer from 1 to 10"},
      {"/throw/input", R"({"n": 1e300, "user": {"name": "ada"}, "tags": []})",
       "field 'n' must be an integer from 1 to 10"},
      {"/throw/input", R"({"n": 3, "user": "ada", "tags": []})", "field 'user' must be an object"},
      {"/throw/input", R"({"n": 3, "user": {}, "tags": []})", "field 'user.name' is required"},
      {"/throw/input", R"({"n": 3, "user": {"name": 7}, "tags": []})",
       "field 'user.name' must be a string"},
      {"/throw/input", R"({"n": 3, "user": {"name": "adalovelace"}, "tags": []})",
       "field 'user.name' is longer than 8 bytes"},
      {"/throw/input", R"({"n": 3, "user": {"name": "a\u0000"}, "tags": []})",
       "field 'user.name' must not contain the NUL character"},
      {"/throw/input", "{\"n\": 3, \"user\": {\"name\": \"a\xff\"}, \"tags\": []}",
       "field 'user.name': string is not valid UTF-8"},
      {"/throw/input", R"({"n": 1e99999, "user": {"name": "ada"}, "tags": []})",
       "field 'n': number 1e99999 is too large for a double"},
      {"/throw/input", R"({"n": 3, "user": {"name": "ada"}, "tags": ["a", 2]})",
       "field 'tags[1]' must be a string"},
      {"/throw/input", R"({"n": 3, "user": {"name": "ada"}, "tags": ["a", "b", "c", "d"]})",
       "field 'tags' has more than 3 elements"},
      {"/throw/input", R"({"n": 3, "user": {"name": "ada"}, "tags": [], "ratio": 2})",
       "field 'ratio' must be a number from 0 to 1"},
      {"/throw/input", R"({"n": 3, "user": {"name": "ada"}, "tags": [], "colour": 1})",
       "unknown field 'colour'"},
      {"/throw/input?page=0", good, "query parameter 'page' must be an integer from 1 to 100"},
      {"/throw/input?page=2x", good, "query parameter 'page' must be an integer from 1 to 100"},
  };
  for (const auto& c : cases) {
    auto r = e2e::request(p.port(), "POST", c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_NE(r.json().at("message").as_string().find(c.message), std::string::npos)
        << c.body << " -> " << r.body;
  }

  auto own = e2e::get(p.port(), "/throw/own-json");
  EXPECT_EQ(own.status, 500) << own.body;
  EXPECT_EQ(own.json().at("message").as_string(), "internal error in plugin 'thrower'");
}

TEST(Fixtures, AResponseHasOneContentTypeAndA204None) {
  Porticod p({{{e2e::fixturePath("responses.so"), "responses.so"}}, {}, {}, true});
  auto count = [](const std::string& raw, const std::string& line) {
    size_t n = 0;
    for (size_t at = raw.find(line); at != std::string::npos; at = raw.find(line, at + 1)) ++n;
    return n;
  };
  std::string text = e2e::rawExchange(p.port(), "GET /responses/text HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(count(text, "Content-Type: "), 1u) << text;
  EXPECT_EQ(count(text, "Content-Type: text/plain; charset=utf-8\r\n"), 1u) << text;
  EXPECT_EQ(count(text, "X-Tag: "), 2u) << text;

  std::string empty =
      e2e::rawExchange(p.port(), "DELETE /responses/empty HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(empty.rfind("HTTP/1.1 204 ", 0), 0u) << empty;
  EXPECT_EQ(count(empty, "Content-Type"), 0u) << empty;
  EXPECT_EQ(empty.find("dropped"), std::string::npos) << empty;
}

TEST(Fixtures, TheCTemplateLoadsServesAndReadsItsConfig) {
  Porticod p({{{e2e::fixturePath("my_c_plugin.so"), "my_c_plugin.so"}},
              {{"plugin.my_c_plugin.greeting", "salut"}},
              {},
              true});
  auto r = e2e::get(p.port(), "/my_c_plugin/greet/ada");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("greeting").as_string(), "salut, ada");
  auto bad = e2e::get(p.port(), "/my_c_plugin/greet/a%22b");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.json().at("message").as_string().find("letters or digits"), std::string::npos);
}

TEST(Fixtures, TheCTemplateStreamsServerSentEventsThroughTheCAbi) {
  Porticod p({{{e2e::fixturePath("my_c_plugin.so"), "my_c_plugin.so"}}, {}, {}, true});
  auto r = e2e::get(p.port(), "/my_c_plugin/countdown");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/event-stream");
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(r.body, "data: 3\n\ndata: 2\n\ndata: 1\n\n");
}

TEST(Fixtures, LogEnabledFollowsTheHostsLevelAndSkipsBuildingDroppedLines) {
  Porticod info(
      {{{e2e::fixturePath("logprobe.so"), "logprobe.so"}}, {{"log.level", "info"}}, {}, true});
  auto r = e2e::get(info.port(), "/logprobe");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json().at("debug").as_bool());
  EXPECT_TRUE(r.json().at("error").as_bool());
  EXPECT_EQ(r.json().at("built").as_int(), 1) << "the debug line must not be built";
  EXPECT_NE(info.logs().find("error line 1"), std::string::npos);

  Porticod debug(
      {{{e2e::fixturePath("logprobe.so"), "logprobe.so"}}, {{"log.level", "debug"}}, {}, true});
  r = e2e::get(debug.port(), "/logprobe");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("debug").as_bool());
  EXPECT_EQ(r.json().at("built").as_int(), 2);
  EXPECT_NE(debug.logs().find("debug line 1"), std::string::npos);
}
