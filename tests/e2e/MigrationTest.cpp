// SPDX-License-Identifier: Apache-2.0
// Migrations against the suite's PostgreSQL: applied before init, once even with two hosts,
// transactional on failure, tamper-evident, reversible.
#include <gtest/gtest.h>

#include <Poco/File.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "Http.h"
#include "LoadClients.h"
#include "Porticod.h"
#include "Services.h"

using e2e::admin;
using e2e::Porticod;

namespace {

std::string databaseUrl() {
  const char* url = std::getenv("PORTICO_DATABASE_URL");
  return url ? url : "";
}

std::string psql(const std::string& sql) {
  auto [code, out] = e2e::suitePsql(sql);
  EXPECT_EQ(code, 0) << sql << ": " << out;
  return out;
}

class Migrations : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(databaseUrl().empty()) << "PORTICO_DATABASE_URL must be set (packaging/dev test)";
    psql("DROP TABLE IF EXISTS migratest_things, migratest_extra");
    psql(
        "DO $$ BEGIN IF to_regclass('portico_migrations') IS NOT NULL THEN DELETE FROM "
        "portico_migrations WHERE plugin = 'migratest'; END IF; END $$");
    char tmpl[] = "/tmp/portico-migrations-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Poco::File(dir_ + "/migratest").createDirectories();
    write("0001_things.up.sql",
          "CREATE TABLE migratest_things (id serial PRIMARY KEY, label text NOT NULL);\n"
          "INSERT INTO migratest_things (label) VALUES ('seed');\n");
    write("0001_things.down.sql", "DROP TABLE migratest_things;\n");
  }
  void TearDown() override { Poco::File(dir_).remove(true); }

  void write(const std::string& file, const std::string& sql) {
    std::ofstream(dir_ + "/migratest/" + file) << sql;
  }
  Porticod::Options options() const {
    return {
        {{e2e::fixturePath("migratest.so"), "migratest.so"}}, {{"migrations.dir", dir_}}, {}, true};
  }

  std::string dir_;
};

}  // namespace

TEST_F(Migrations, RunBeforeInitAndAreRecorded) {
  Porticod p(options());
  auto r = e2e::get(p.port(), "/migratest/things");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("count").as_int(), 1);
  EXPECT_EQ(psql("SELECT version || ':' || name || ':' || length(checksum) FROM portico_migrations "
                 "WHERE plugin = 'migratest'"),
            "1:things:64");
}

TEST_F(Migrations, FailingMigrationLeavesSchemaAndOldGenerationUntouched) {
  Porticod p(options());
  write("0002_broken.up.sql",
        "CREATE TABLE migratest_extra (x int);\nSELECT migratest_no_such_function();\n");
  auto r = e2e::admin(p, "POST", "/admin/plugins/migratest/reload");
  EXPECT_EQ(r.status, 422);
  std::string message = r.json().at("message").as_string();
  EXPECT_NE(message.find("migration migratest/0002_broken failed"), std::string::npos) << message;
  EXPECT_NE(message.find("migratest_no_such_function"), std::string::npos) << message;
  EXPECT_EQ(psql("SELECT coalesce(to_regclass('migratest_extra')::text, 'absent')"), "absent");
  EXPECT_EQ(psql("SELECT count(*) FROM portico_migrations WHERE plugin = 'migratest'"), "1");
  auto things = e2e::get(p.port(), "/migratest/things");
  EXPECT_EQ(things.status, 200);
  auto list = e2e::admin(p, "GET", "/admin/plugins").json();
  EXPECT_EQ(list.at("plugins").as_array().at(0).at("generation").as_int(), 1);
}

TEST_F(Migrations, ChangedAppliedMigrationIsRefused) {
  Porticod p(options());
  write("0001_things.up.sql", "CREATE TABLE migratest_things (id bigserial PRIMARY KEY);\n");
  auto r = e2e::admin(p, "POST", "/admin/plugins/migratest/reload");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.json().at("message").as_string().find("was changed after it was applied"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(e2e::get(p.port(), "/migratest/things").status, 200);
}

TEST_F(Migrations, DownReversesUpFromTheCommandLine) {
  Porticod p(options());
  std::string cli = e2e::porticodBinary() + " --config=" + p.configPath() + " migrate ";
  auto [statusCode, status] = e2e::runCommand(cli + "status migratest 2>/dev/null");
  EXPECT_EQ(statusCode, 0);
  EXPECT_NE(status.find("1\tthings\tapplied "), std::string::npos) << status;

  auto [downCode, down] = e2e::runCommand(cli + "down migratest 0 2>&1");
  EXPECT_EQ(downCode, 0) << down;
  EXPECT_EQ(psql("SELECT coalesce(to_regclass('migratest_things')::text, 'absent')"), "absent");
  EXPECT_EQ(psql("SELECT count(*) FROM portico_migrations WHERE plugin = 'migratest'"), "0");

  auto [upCode, up] = e2e::runCommand(cli + "up migratest 2>&1");
  EXPECT_EQ(upCode, 0) << up;
  EXPECT_NE(up.find("applied 1 migration(s) of migratest"), std::string::npos) << up;
  EXPECT_EQ(psql("SELECT count(*) FROM migratest_things"), "1");

  auto [badCode, bad] = e2e::runCommand(cli + "sideways migratest 2>&1");
  EXPECT_EQ(badCode, 64) << bad;  // EX_USAGE
}

TEST_F(Migrations, TwoHostsStartingTogetherApplyEachMigrationOnce) {
  write("0002_more.up.sql", "INSERT INTO migratest_things (label) VALUES ('second');\n");
  auto a = std::async(std::launch::async, [&] { return std::make_unique<Porticod>(options()); });
  auto b = std::async(std::launch::async, [&] { return std::make_unique<Porticod>(options()); });
  auto first = a.get();
  auto second = b.get();
  EXPECT_EQ(psql("SELECT count(*) FROM migratest_things"), "2") << "each INSERT ran once";
  EXPECT_EQ(psql("SELECT string_agg(version::text, ',' ORDER BY version) FROM portico_migrations "
                 "WHERE plugin = 'migratest'"),
            "1,2");
  EXPECT_EQ(e2e::get(first->port(), "/migratest/things").json().at("count").as_int(), 2);
  EXPECT_EQ(e2e::get(second->port(), "/migratest/things").json().at("count").as_int(), 2);
}

namespace {

// The shelf fixture carries its migrations in the library (ABI 1.3): v1 the table, v2 also a
// color column and a route that reads it.
class EmbeddedMigrations : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(databaseUrl().empty()) << "PORTICO_DATABASE_URL must be set (packaging/dev test)";
    psql("DROP TABLE IF EXISTS shelf_items");
    psql(
        "DO $$ BEGIN IF to_regclass('portico_migrations') IS NOT NULL THEN DELETE FROM "
        "portico_migrations WHERE plugin = 'shelf'; END IF; END $$");
  }
  static std::string applied() {
    return psql(
        "SELECT coalesce(string_agg(version::text, ',' ORDER BY version), '') FROM "
        "portico_migrations WHERE plugin = 'shelf'");
  }
  static std::string hasColor() {
    return psql(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'shelf_items' AND "
        "column_name = 'color'");
  }
};

}  // namespace

TEST_F(EmbeddedMigrations, HotSwapCarriesTheSchemaUnderLoadAndBack) {
  // No migrations.dir entry for shelf: whatever runs comes from the library.
  Porticod p({{{e2e::fixturePath("shelf_v1.so"), "shelf.so"}}, {}, {}, true});
  EXPECT_EQ(applied(), "1");
  EXPECT_EQ(hasColor(), "0");
  ASSERT_EQ(e2e::request(p.port(), "POST", "/shelf/items?name=first").status, 201);

  e2e::LoadClients load(p.port(), "/shelf/items", "plugin_version", 4, 120);
  ASSERT_TRUE(load.answersMore(20)) << "the load runs on v1";
  auto up = admin(p, "PUT", "/admin/plugins/shelf", e2e::readFile(e2e::fixturePath("shelf_v2.so")));
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(applied(), "1,2");
  EXPECT_EQ(hasColor(), "1");
  ASSERT_EQ(e2e::request(p.port(), "POST", "/shelf/items?name=second&color=red").status, 201);
  auto colors = e2e::get(p.port(), "/shelf/colors");
  ASSERT_EQ(colors.status, 200) << colors.body;
  EXPECT_EQ(colors.json().at("colors").at("plain").as_int(), 1);
  EXPECT_EQ(colors.json().at("colors").at("red").as_int(), 1);
  EXPECT_TRUE(load.answersMore(20)) << "the load runs on v2";

  // Back to v1, which does not know the column: the schema stays ahead of it.
  auto back =
      admin(p, "PUT", "/admin/plugins/shelf", e2e::readFile(e2e::fixturePath("shelf_v1.so")));
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(applied(), "1,2");
  EXPECT_EQ(e2e::request(p.port(), "POST", "/shelf/items?name=third").status, 201);
  EXPECT_EQ(e2e::get(p.port(), "/shelf/colors").status, 404);
  EXPECT_TRUE(load.answersMore(20)) << "the load runs on v1 again";
  load.stop();

  EXPECT_EQ(load.failures(), 0u) << (load.failureSamples().empty() ? "" : load.failureSamples()[0]);
  auto seen = load.byValue();
  EXPECT_GT(seen["1.0.0"], 0u);
  EXPECT_GT(seen["2.0.0"], 0u);
  EXPECT_EQ(psql("SELECT count(*) FROM shelf_items WHERE color = 'plain'"), "2");
}

TEST_F(EmbeddedMigrations, MigrateCommandReadsThemFromTheLibrary) {
  Porticod p({{{e2e::fixturePath("shelf_v2.so"), "shelf.so"}}, {}, {}, true});
  std::string cli = e2e::porticodBinary() + " --config=" + p.configPath() + " migrate ";
  auto [code, status] = e2e::runCommand(cli + "status shelf 2>/dev/null");
  EXPECT_EQ(code, 0) << status;
  EXPECT_NE(status.find("1\titems\tapplied "), std::string::npos) << status;
  EXPECT_NE(status.find("2\tcolor\tapplied "), std::string::npos) << status;

  auto [downCode, down] = e2e::runCommand(cli + "down shelf 2>&1");
  EXPECT_EQ(downCode, 0) << down;
  EXPECT_EQ(applied(), "1");
  EXPECT_EQ(hasColor(), "0");
}

TEST_F(EmbeddedMigrations, AChangedEmbeddedMigrationIsRefused) {
  Porticod p({{{e2e::fixturePath("shelf_v1.so"), "shelf.so"}}, {}, {}, true});
  psql("UPDATE portico_migrations SET checksum = 'not-what-v1-carries' WHERE plugin = 'shelf'");
  auto r = admin(p, "POST", "/admin/plugins/shelf/reload");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.json().at("message").as_string().find("in plugin shelf 1.0.0"), std::string::npos)
      << r.body;
  EXPECT_EQ(e2e::get(p.port(), "/shelf/items").status, 200) << "generation 1 keeps serving";
}
