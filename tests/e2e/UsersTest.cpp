// SPDX-License-Identifier: Apache-2.0
// The users plugin over HTTP: profiles made from USER_CREATED, strict validation that names the
// field, settings, the public view, and account deletion.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "AuthHarness.h"
#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "Services.h"
#include "SharedHost.h"

using e2e::Porticod;
using e2e::Session;
namespace json = portico::json;

namespace {

class Users : public e2e::SharedHost<Users> {
 public:
  static Porticod::Options options() { return e2e::authHostOptions(); }

 protected:
  void SetUp() override {
    email = e2e::uniqueEmail("user");
    s = e2e::signUp(*host, email);
    ASSERT_FALSE(s.access.empty());
  }
  e2e::Reply call(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return e2e::withToken(*host, method, path, s.access, body);
  }
  std::string email;
  Session s;
};

// JSON text with object members sorted: PostgreSQL's jsonb keeps its own key order.
std::string canonical(const json::Value& v) {
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& e : v.as_array()) out += (out.size() > 1 ? "," : "") + canonical(e);
    return out + "]";
  }
  if (!v.is_object()) return v.dump();
  auto members = v.as_object();
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (const auto& [k, e] : members) {
    out += (out.size() > 1 ? "," : "") + json::Value(k).dump() + ":" + canonical(e);
  }
  return out + "}";
}

}  // namespace

TEST_F(Users, SignUpCreatesTheProfileThroughUserCreated) {
  // The display name comes from the USER_CREATED event (a profile made on first sight would
  // have none); the event may take a moment.
  std::string expected = email.substr(0, email.find('@'));
  json::Value profile;
  for (int i = 0; i < 250; ++i) {
    profile = call("GET", "/users/me").json();
    if (profile.at("display_name").as_string() == expected) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(profile.at("display_name").as_string(), expected);
  EXPECT_EQ(profile.at("id").as_string(), s.userId);
  EXPECT_EQ(profile.at("locale").as_string(), "en");
  EXPECT_EQ(profile.at("time_zone").as_string(), "UTC");
  EXPECT_TRUE(profile.at("avatar_url").is_null());
}

TEST_F(Users, AUserSeenBeforeTheirUserCreatedEventGetsTheNameFromIt) {
  // A user the auth plugin never announced: the first call makes a nameless profile, as when the
  // event is late; then the event arrives and must still name the profile.
  char id[37];
  std::snprintf(id, sizeof id, "0190a8c4-1234-7abc-8def-%012llx",
                (static_cast<unsigned long long>(std::time(nullptr)) << 16 ^
                 static_cast<unsigned long long>(::getpid())) &
                    0xffffffffffffULL);
  std::string token =
      e2e::forge("ES256", e2e::readFile(e2e::testKeys().es1), "es1", e2e::validClaims(id));
  auto first = e2e::withToken(*host, "GET", "/users/me", token);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("display_name").as_string(), "");

  std::string announce = "PUBLISH portico:event:USER_CREATED '{\"user_id\":\"" + std::string(id) +
                         "\",\"email\":\"late.comer@example.com\"}'";
  auto [code, receivers] = e2e::suiteRedis(announce);
  ASSERT_EQ(code, 0);
  ASSERT_GE(std::atoi(receivers.c_str()), 1) << "no porticod subscribed";
  std::string name;
  for (int i = 0; i < 250 && name != "late.comer"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    name = e2e::withToken(*host, "GET", "/users/me", token).json().at("display_name").as_string();
  }
  EXPECT_EQ(name, "late.comer");

  // A name the user chose is theirs: a repeated event does not overwrite it.
  ASSERT_EQ(e2e::withToken(*host, "PATCH", "/users/me", token, R"({"display_name":"Mine"})").status,
            200);
  // Only a repeated announcement of a named profile changes nothing, and this test alone sends one.
  const std::string unchanged =
      "portico_plugin_events_total{event=\"user_created_unchanged\",plugin=\"users\"}";
  double before = e2e::metric(host->port(), unchanged);
  ASSERT_EQ(e2e::suiteRedis(announce).first, 0);
  ASSERT_TRUE(e2e::eventually([&] { return e2e::metric(host->port(), unchanged) > before; }))
      << "the repeated USER_CREATED never reached the plugin";
  EXPECT_EQ(e2e::withToken(*host, "GET", "/users/me", token).json().at("display_name").as_string(),
            "Mine");
}

TEST_F(Users, PatchChangesTheGivenFieldsOnly) {
  auto r = call("PATCH", "/users/me",
                R"({"display_name":"  Ada Lovelace ","bio":"Analyst.\nEngine.","locale":"pt-BR",
                    "time_zone":"Europe/Berlin","avatar_url":"https://cdn.example.com/a.png"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("display_name").as_string(), "Ada Lovelace");
  auto again = call("PATCH", "/users/me", R"({"avatar_url":null})");
  ASSERT_EQ(again.status, 200) << again.body;
  auto me = call("GET", "/users/me").json();
  EXPECT_TRUE(me.at("avatar_url").is_null());
  EXPECT_EQ(me.at("bio").as_string(), "Analyst.\nEngine.");
  EXPECT_EQ(me.at("locale").as_string(), "pt-BR");
  EXPECT_EQ(me.at("time_zone").as_string(), "Europe/Berlin");
}

TEST_F(Users, EveryFieldIsValidatedByName) {
  struct Case {
    std::string body;
    std::string field;
  };
  std::vector<Case> cases = {
      {R"({"display_name":""})", "display_name"},
      {R"({"display_name":"   "})", "display_name"},
      {R"({"display_name":"bell\u0007"})", "display_name"},
      {R"({"display_name":")" + std::string(65, 'x') + "\"}", "display_name"},
      {R"({"display_name":42})", "display_name"},
      {R"({"avatar_url":"http://insecure.example.com/a.png"})", "avatar_url"},
      {R"x({"avatar_url":"javascript:alert(1)"})x", "avatar_url"},
      {R"({"avatar_url":"https://a.example.com/x y"})", "avatar_url"},
      {R"({"bio":")" + std::string(501, 'b') + "\"}", "bio"},
      {R"({"locale":"english"})", "locale"},
      {R"({"locale":"EN"})", "locale"},
      {R"({"time_zone":"Mars/Olympus_Mons"})", "time_zone"},
      {R"({"time_zone":"../../etc/passwd"})", "time_zone"},
      {R"({"email":"x@example.com"})", "email"},
      {R"({"id":"00000000-0000-4000-8000-000000000000"})", "id"},
  };
  for (const auto& c : cases) {
    auto r = call("PATCH", "/users/me", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_NE(r.body.find("'" + c.field + "'"), std::string::npos) << c.body << " -> " << r.body;
  }
  EXPECT_EQ(call("PATCH", "/users/me", "[1,2]").status, 400);
  EXPECT_EQ(call("PATCH", "/users/me", "{\"bio\":").status, 400);
  // Nothing of that reached the profile.
  EXPECT_EQ(call("GET", "/users/me").json().at("locale").as_string(), "en");
}

TEST_F(Users, SettingsAreValidatedAndSizeLimited) {
  std::string doc = R"({"theme":"dark","density":"compact","language":"de","beta_features":true,)"
                    R"("notifications":{"email":false,"push":true,"digest":"weekly"}})";
  auto put = call("PUT", "/users/me/settings", doc);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(canonical(call("GET", "/users/me/settings").json()), canonical(json::parse(doc)));

  struct Case {
    std::string body;
    std::string key;
  };
  std::vector<Case> cases = {
      {R"({"theme":"neon"})", "theme"},
      {R"({"theme":1})", "theme"},
      {R"({"notifications":{"sms":true}})", "notifications.sms"},
      {R"({"notifications":{"push":"yes"}})", "notifications.push"},
      {R"({"notifications":[]})", "notifications"},
      {R"({"language":"klingon!"})", "language"},
      {R"({"favourite_colour":"blue"})", "favourite_colour"},
  };
  for (const auto& c : cases) {
    auto r = call("PUT", "/users/me/settings", c.body);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.body;
    EXPECT_NE(r.body.find("'" + c.key + "'"), std::string::npos) << r.body;
  }
  std::string huge = R"({"theme":"dark","x":")" + std::string(5000, 'x') + "\"}";
  EXPECT_EQ(call("PUT", "/users/me/settings", huge).status, 413);
  EXPECT_EQ(canonical(call("GET", "/users/me/settings").json()), canonical(json::parse(doc)));
}

TEST_F(Users, PublicProfileShowsOnlyThePublicPart) {
  ASSERT_EQ(call("PATCH", "/users/me", R"({"bio":"hello","time_zone":"Asia/Tokyo"})").status, 200);
  auto r = e2e::get(host->port(), "/users/" + s.userId);
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> keys;
  json::Value body = r.json();
  for (const auto& [k, v] : body.as_object()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"id", "display_name", "avatar_url", "bio"}));
  EXPECT_EQ(r.json().at("bio").as_string(), "hello");
  EXPECT_EQ(e2e::get(host->port(), "/users/not-a-uuid").status, 400);
  EXPECT_EQ(e2e::get(host->port(), "/users/00000000-0000-4000-8000-000000000000").status, 404);
  EXPECT_EQ(e2e::get(host->port(), "/users/00000000-0000-4000-8000-000000000000'--").status, 400);
}

TEST_F(Users, DeletingTheAccountAnonymisesItAndSignsItOutEverywhere) {
  ASSERT_EQ(call("PATCH", "/users/me", R"({"bio":"soon gone"})").status, 200);
  Session other = e2e::signIn(*host, email);
  auto del = call("DELETE", "/users/me");
  ASSERT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(call("GET", "/users/me").status, 401);
  EXPECT_EQ(e2e::withToken(*host, "GET", "/users/me", other.access).status, 401);
  EXPECT_EQ(
      e2e::post(*host, "/auth/refresh", json::object({{"refresh_token", other.refresh}})).status,
      401);
  EXPECT_EQ(e2e::post(*host, "/auth/login",
                      json::object({{"email", email}, {"password", "correct horse battery"}}))
                .status,
            401);
  EXPECT_EQ(e2e::get(host->port(), "/users/" + s.userId).status, 404);
  // The address may be used for a new account, which gets a new id.
  Session again = e2e::signUp(*host, email);
  EXPECT_NE(again.userId, s.userId);
}

TEST(UsersWithoutJobs, ADeletedAccountCannotSignInEvenBeforeItsCredentialsAreErased) {
  // No job workers, and a Redis of its own (hosts of other tests would run the job): the erase
  // job stays queued, as it would while the queue is stuck.
  e2e::PrivateServices services;
  Porticod host(e2e::authHostOptions({{"jobs.workers", "0"},
                                      {"database.url", services.databaseUrl()},
                                      {"redis.url", services.redisUrl()}}));
  std::string email = e2e::uniqueEmail("stuck-erase");
  Session s = e2e::signUp(host, email);
  Session other = e2e::signIn(host, email);
  auto del = e2e::withToken(host, "DELETE", "/users/me", s.access);
  ASSERT_EQ(del.status, 202) << del.body;
  EXPECT_EQ(del.json().at("status").as_string(), "deleting");
  EXPECT_EQ(e2e::post(host, "/auth/login",
                      json::object({{"email", email}, {"password", "correct horse battery"}}))
                .status,
            401);
  for (const auto& refresh : {s.refresh, other.refresh}) {
    EXPECT_EQ(e2e::post(host, "/auth/refresh", json::object({{"refresh_token", refresh}})).status,
              401);
  }
  EXPECT_EQ(e2e::withToken(host, "GET", "/users/me", other.access).status, 401);
}

TEST_F(Users, ServiceTokensHaveNoProfile) {
  auto issued = e2e::admin(*host, "POST", "/admin/service-tokens/reports", R"({"scope":"user"})");
  ASSERT_EQ(issued.status, 201);
  auto r = e2e::request(host->port(), "GET", "/users/me", "",
                        {{"X-Service-Token", issued.json().at("token").as_string()}});
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(Users, AccountChangesAreAnnouncedAsEvents) {
  // A listener on every topic with an underscore (USER_CREATED, SETTINGS_UPDATED, USER_DELETED).
  std::string tag = e2e::uniqueIp();
  Porticod::Options o = e2e::authHostOptions({{"plugin.jobtest.events", "*_*"},
                                              {"plugin.jobtest.tag", tag},
                                              {"plugin.jobtest.queue", "events-" + tag}});
  o.plugins.emplace_back(e2e::fixturePath("jobtest.so"), "jobtest.so");
  Porticod listening(o);
  Session user = e2e::signUp(listening, e2e::uniqueEmail("events"));
  ASSERT_EQ(
      e2e::withToken(listening, "PUT", "/users/me/settings", user.access, R"({"theme":"light"})")
          .status,
      200);
  ASSERT_EQ(e2e::withToken(listening, "DELETE", "/users/me", user.access).status, 204);

  std::vector<std::string> expected = {"USER_CREATED", "SETTINGS_UPDATED", "USER_DELETED"};
  std::vector<std::string> seen;
  for (int i = 0; i < 100 && seen.size() < expected.size(); ++i) {
    seen.clear();
    json::Value events = e2e::get(listening.port(), "/jobtest/events").json();
    for (const auto& e : events.at("events").as_array()) {
      const std::string& line = e.as_string();
      if (line.find(user.userId) != std::string::npos)
        seen.push_back(line.substr(0, line.find(' ')));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(seen, expected);
}
