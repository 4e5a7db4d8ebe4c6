// SPDX-License-Identifier: Apache-2.0
#include "Services.h"

#include <Poco/File.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <stdexcept>

#include "Http.h"
#include "Porticod.h"

namespace e2e {

PrivateServices::PrivateServices() : pgPort_(freePort()), redisPort_(freePort()) {
  // Under /var/tmp with mode 755: the postgres and redis users must be able to enter it.
  char tmpl[] = "/var/tmp/portico-services-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  chmod(dir_.c_str(), 0755);
  shell("services_start '" + dir_ + "' " + std::to_string(pgPort_) + " " +
        std::to_string(redisPort_) +
        " >/dev/null && printf '%s\\n%s\\n' \"$PORTICO_DATABASE_URL\" \"$PORTICO_REDIS_URL\" > '" +
        dir_ + "/urls'");
  std::string urls = readFile(dir_ + "/urls");
  size_t newline = urls.find('\n');
  databaseUrl_ = urls.substr(0, newline);
  redisUrl_ = urls.substr(newline + 1, urls.find('\n', newline + 1) - newline - 1);
}

PrivateServices::~PrivateServices() {
  try {
    shell("stop_postgres '" + dir_ + "/postgres'; stop_redis '" + dir_ + "/redis'");
  } catch (const std::exception&) {
    // Best effort: the directory goes either way.
  }
  Poco::File(dir_).remove(true);
}

void PrivateServices::shell(const std::string& script) {
  std::string file = dir_ + "/step.sh";
  std::ofstream(file) << "set -e\nsource " PACKAGING_DIR "/services.sh\n" << script << "\n";
  auto [code, out] = runCommand("bash '" + file + "' 2>&1 </dev/null");
  if (code != 0)
    throw std::runtime_error("services.sh failed (" + std::to_string(code) + "): " + out);
}

void PrivateServices::stopPostgres() {
  shell("stop_postgres '" + dir_ + "/postgres'");
}

void PrivateServices::startPostgres() {
  shell("start_postgres '" + dir_ + "/postgres' " + std::to_string(pgPort_) +
        " \"$(sed -n s/^pg=//p '" + dir_ + "/secrets')\"");
}

void PrivateServices::stopRedis() {
  shell("stop_redis '" + dir_ + "/redis'");
}

void PrivateServices::startRedis() {
  shell("start_redis '" + dir_ + "/redis' " + std::to_string(redisPort_) +
        " \"$(sed -n s/^redis=//p '" + dir_ + "/secrets')\"");
}

void PrivateServices::redisCommand(const std::string& args) {
  shell("REDISCLI_AUTH=\"$(sed -n s/^redis=//p '" + dir_ + "/secrets')\" redis-cli -p " +
        std::to_string(redisPort_) + " " + args + " >/dev/null");
}

std::pair<int, std::string> suiteRedis(const std::string& args) {
  // redis-cli reads "redis://:password@" as user "" with that password; the password goes
  // through its environment instead, which also keeps it off the command line.
  return runCommand(
      "REDISCLI_AUTH=\"$(printf %s \"$PORTICO_REDIS_URL\" | sed -E "
      "'s|^redis://:([^@]*)@.*|\\1|')\" "
      "redis-cli -u \"$(printf %s \"$PORTICO_REDIS_URL\" | sed -E 's|//:[^@]*@|//|')\" " +
      args);
}

namespace {

// `url` as the shell should see it: quoted, or a variable's expansion.
std::pair<int, std::string> psqlWith(const std::string& url, const std::string& sql) {
  // A quoted here-document: the SQL reaches psql as written, dollar quotes included.
  auto [code, out] = runCommand("psql -qAtX -v ON_ERROR_STOP=1 " + url + " 2>&1 <<'PORTICO_SQL'\n" +
                                sql + "\nPORTICO_SQL\n");
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return {code, out};
}

}  // namespace

std::pair<int, std::string> suitePsql(const std::string& sql) {
  return psqlWith("\"$PORTICO_DATABASE_URL\"", sql);
}

std::pair<int, std::string> psqlAt(const std::string& url, const std::string& sql) {
  return psqlWith("'" + url + "'", sql);
}

}  // namespace e2e
