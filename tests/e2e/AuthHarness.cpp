// SPDX-License-Identifier: Apache-2.0
#include "AuthHarness.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace e2e {
namespace {

namespace json = portico::json;

std::atomic<int> counter{0};

std::string mustRun(const std::string& command) {
  auto [code, out] = runCommand(command);
  if (code != 0) throw std::runtime_error("command failed: " + command);
  return out;
}

}  // namespace

TestKeys::TestKeys() {
  char templ[] = "/tmp/portico-keys-XXXXXX";
  dir = ::mkdtemp(templ);
  es1 = dir + "/es1.pem";
  rs1 = dir + "/rs1.pem";
  rs1Pub = dir + "/rs1.pub.pem";
  otherEc = dir + "/other.pem";
  const std::string ec = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ";
  mustRun(ec + es1 + " 2>/dev/null");
  mustRun(ec + otherEc + " 2>/dev/null");
  mustRun("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + rs1 +
          " 2>/dev/null");
  mustRun("openssl pkey -in " + rs1 + " -pubout -out " + rs1Pub);
  hsSecret = mustRun("openssl rand -hex 32");
  while (!hsSecret.empty() && hsSecret.back() == '\n') hsSecret.pop_back();
}

const TestKeys& testKeys() {
  static const TestKeys keys;
  return keys;
}

std::pair<int, std::string> jose(const json::Value& request) {
  std::string path = testKeys().dir + "/jose-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++) + ".json";
  std::ofstream(path) << request.dump();
  auto result = runCommand("NODE_PATH=/usr/share/nodejs node " JOSE_TOOL " " + path);
  std::remove(path.c_str());
  return result;
}

json::Value validClaims(const std::string& subject) {
  auto t = static_cast<int64_t>(std::time(nullptr));
  // The jti must be a UUIDv7: porticod reads the issue instant from it.
  char jti[37];
  std::snprintf(jti, sizeof jti, "%08llx-%04llx-7abc-8def-0123456789ab",
                static_cast<unsigned long long>((t * 1000) >> 16),
                static_cast<unsigned long long>((t * 1000) & 0xffff));
  return json::object({{"sub", subject},
                       {"scope", "user"},
                       {"iss", "portico"},
                       {"aud", "portico"},
                       {"iat", t},
                       {"nbf", t},
                       {"exp", t + 300},
                       {"jti", jti},
                       {"token_use", "access"}});
}

std::string forge(const std::string& alg, const std::string& key, const std::string& kid,
                  const json::Value& claims) {
  auto [code, token] = jose(json::object({{"op", "sign"},
                                          {"alg", alg},
                                          {"key", key},
                                          {"header", json::object({{"kid", kid}})},
                                          {"payload", claims}}));
  EXPECT_EQ(code, 0) << "jose could not sign";
  return token;
}

std::string serviceToken(const std::string& subject, const std::string& scope) {
  auto claims = validClaims(subject);
  claims.set("scope", scope);
  return forge("ES256", readFile(testKeys().es1), "es1", claims);
}

Porticod::Options authHostOptions(std::map<std::string, std::string> config) {
  const TestKeys& keys = testKeys();
  std::map<std::string, std::string> cfg = {
      {"auth.keys", "es1, rs1, hs1"},   {"auth.signing_key", "es1"},
      {"auth.key.es1.alg", "ES256"},    {"auth.key.es1.file", keys.es1},
      {"auth.key.rs1.alg", "RS256"},    {"auth.key.rs1.file", keys.rs1Pub},
      {"auth.key.hs1.alg", "HS256"},    {"http.trusted_proxies", "127.0.0.1"},
      {"plugin.auth.bcrypt_cost", "4"}, {"plugin.auth.register_ip_limit", "5"},
  };
  for (auto& [k, v] : config) cfg[k] = v;
  Porticod::Options o;
  o.plugins = {{pluginPath("auth.so"), "auth.so"}, {pluginPath("users.so"), "users.so"}};
  o.config = std::move(cfg);
  o.env = {{"PORTICO_AUTH_KEY_HS1_SECRET", keys.hsSecret}};
  return o;
}

std::string uniqueEmail(const std::string& tag) {
  return tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::time(nullptr)) + "-" +
         std::to_string(counter++) + "@example.com";
}

std::string uniqueIp() {
  static const unsigned seed = static_cast<unsigned>(::getpid() ^ std::time(nullptr));
  unsigned n = seed * 2654435761u + static_cast<unsigned>(counter++) * 40503u;
  return "10." + std::to_string((n >> 16) & 255) + "." + std::to_string((n >> 8) & 255) + "." +
         std::to_string(n & 255);
}

Reply post(const Porticod& host, const std::string& path, const json::Value& body,
           std::map<std::string, std::string> headers) {
  headers.emplace("Content-Type", "application/json");
  headers.emplace("X-Forwarded-For", uniqueIp());
  return request(host.port(), "POST", path, body.dump(), headers);
}

Reply withToken(const Porticod& host, const std::string& method, const std::string& path,
                const std::string& token, const std::string& body) {
  return request(host.port(), method, path, body,
                 {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
}

Session signIn(const Porticod& host, const std::string& email, const std::string& password) {
  Session s;
  auto r = post(host, "/auth/login", json::object({{"email", email}, {"password", password}}));
  if (r.status != 200) {
    ADD_FAILURE() << "login " << email << ": " << r.status << " " << r.body;
    return s;
  }
  auto body = r.json();
  s.access = body.at("access_token").as_string();
  s.refresh = body.at("refresh_token").as_string();
  return s;
}

Session signUp(const Porticod& host, const std::string& email, const std::string& password) {
  auto r = post(host, "/auth/register", json::object({{"email", email}, {"password", password}}));
  if (r.status != 201) {
    ADD_FAILURE() << "register " << email << ": " << r.status << " " << r.body;
    return {};
  }
  Session s = signIn(host, email, password);
  s.userId = r.json().at("id").as_string();
  return s;
}

}  // namespace e2e
