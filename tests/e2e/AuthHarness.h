/* SPDX-License-Identifier: Apache-2.0 */
// What the auth and users tests share: signing keys made with openssl, the independent JWT
// implementation (jose-tool.js under node), a porticod running the auth and users plugins, and
// the sign-up / sign-in calls every test makes.
#pragma once

#include <map>
#include <string>

#include "Http.h"
#include "Porticod.h"
#include "portico/json.hpp"

namespace e2e {

// Keys in a private temp dir: es1 (ES256, signs), rs1 (RS256) and hs1 (HS256 secret).
struct TestKeys {
  TestKeys();
  std::string dir;
  std::string es1;  // PEM private key paths
  std::string rs1;
  std::string rs1Pub;  // PEM public key path
  std::string hsSecret;
  std::string otherEc;  // an ES256 key porticod does not know
};
const TestKeys& testKeys();

// Runs jose-tool.js with request; returns {exit code, stdout}.
std::pair<int, std::string> jose(const portico::json::Value& request);

// Claims porticod accepts in an access token for `subject` (for a test to spoil, or to act as a
// user the auth plugin never made), and a token signed with them by jose, not by porticod (key:
// PEM text, or the HS256 secret).
portico::json::Value validClaims(const std::string& subject);
std::string forge(const std::string& alg, const std::string& key, const std::string& kid,
                  const portico::json::Value& claims);

// A porticod with the auth and users plugins on the test PostgreSQL and Redis; `config` adds to
// or overrides the defaults (keys es1+rs1+hs1 signing with es1, bcrypt cost 4).
Porticod::Options authHostOptions(std::map<std::string, std::string> config = {});

// A unique address per call, for emails and for X-Forwarded-For (so that rate limits of one
// test never count another's requests).
std::string uniqueEmail(const std::string& tag);
std::string uniqueIp();

struct Session {
  std::string userId;
  std::string access;
  std::string refresh;
};

// Calls with a JSON body and a fresh client IP unless headers give one.
Reply post(const Porticod& host, const std::string& path, const portico::json::Value& body,
           std::map<std::string, std::string> headers = {});
Reply withToken(const Porticod& host, const std::string& method, const std::string& path,
                const std::string& token, const std::string& body = "");
// A token for service `subject` with `scope`, signed with the host's es1 key (authHostOptions).
std::string serviceToken(const std::string& subject, const std::string& scope);

// Registers email and signs in; fails the test (ADD_FAILURE) and returns empty fields otherwise.
Session signUp(const Porticod& host, const std::string& email,
               const std::string& password = "correct horse battery");
Session signIn(const Porticod& host, const std::string& email,
               const std::string& password = "correct horse battery");

}  // namespace e2e
