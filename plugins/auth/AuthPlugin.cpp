// SPDX-License-Identifier: Apache-2.0
// auth: accounts, sign-in sessions and the public keys that verify them.
//   POST /auth/register  {email, password}                 201 {id, email}
//   POST /auth/login     {email, password}                 200 {access_token, refresh_token, ...}
//   POST /auth/refresh   {refresh_token}                   200 a new pair (the old one is spent)
//   POST /auth/logout    (signed in)                       204, the session of the access token
//                                                          (its refresh tokens too) revoked
//   POST /auth/password  {current_password, new_password}  204, every session revoked
//   GET  /.well-known/jwks.json                            the host's public keys
// Publishes USER_CREATED. Runs the auth.erase-account jobs the users plugin enqueues when an
// account is deleted. Tokens are signed by the host (auth.* config); this plugin never sees a key.
#include <algorithm>
#include <thread>

#include "Bcrypt.h"
#include "Caller.h"
#include "Email.h"
#include "HashPool.h"
#include "PasswordPolicy.h"
#include "PluginConfig.h"
#include "RateLimits.h"
#include "Sessions.h"
#include "portico/sdk.hpp"

namespace auth_plugin {
namespace {

using portico::HttpError;
using portico::Request;
using portico::Response;
using portico::Uuid;
using portico::common::configInt;

constexpr size_t kMaxEmailField = 320;
constexpr size_t kMaxPasswordField = 1024;
constexpr size_t kMaxBody = 4096;

// All cores but one: measured on 2 cores, hashing on every core put milliseconds on other
// routes' p99 even at idle priority; with one core left to them it stays where it was.
int64_t defaultHashThreads() {
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 1 ? cores - 1 : 1;
}

// Wrong passwords are counted per account *and* client: a client that guesses is stopped, while
// the owner, signing in from elsewhere, is not locked out by someone else's failures (OWASP's
// authentication guidance: lockouts must not become a denial of service). Guessing one account
// from many addresses is bounded by each address's own limit and by bcrypt's cost.
std::string failureKey(const std::string& email, const std::string& clientIp) {
  return "login:fail:" + email + ":" + clientIp;
}

std::string validEmail(const std::string& raw) {
  std::string why;
  auto email = normaliseEmail(raw, &why);
  if (!email) throw HttpError(400, "field 'email': " + why);
  return *email;
}

void requirePolicy(const std::string& password, const std::string& email, const char* field) {
  if (auto why = checkPassword(password, email)) {
    throw HttpError(400, std::string("field '") + field + "': " + *why);
  }
}

}  // namespace

class AuthPlugin : public portico::Plugin {
 public:
  explicit AuthPlugin(portico::Host& host)
      : host_(host),
        cost_(static_cast<int>(configInt(host, "bcrypt_cost", 12, 4, 16))),
        hashes_(HashPoolOptions{
            static_cast<int>(configInt(host, "hash_threads", defaultHashThreads(), 1, 256)),
            static_cast<int>(configInt(host, "hash_queue", 32, 0, 4096)),
            std::chrono::milliseconds(configInt(host, "hash_patience_ms", 1000, 0, 60000)),
            std::chrono::milliseconds(configInt(host, "hash_wait_ms", 5000, 1, 60000))}),
        sessions_(host, SessionSettings{configInt(host, "refresh_ttl_s", int64_t{30} * 86400, 60,
                                                  int64_t{365} * 86400),
                                        host.config_or("user_scope", "user")}),
        window_(configInt(host, "limit_window_s", 900, 1, 86400)),
        loginPerIp_{configInt(host, "login_ip_limit", 100, 1, 1000000000), window_},
        failuresPerAccount_{configInt(host, "login_failure_limit", 20, 1, 1000), window_},
        registerPerIp_{configInt(host, "register_ip_limit", 20, 1, 1000000000), window_},
        registerPerAccount_{configInt(host, "register_account_limit", 5, 1, 1000), window_},
        // Verified against when the email is unknown, so that costs what a wrong password does.
        dummyHash_(bcryptHash("portico-timing-equaliser", cost_)) {
    portico::RouteOptions open{PORTICO_AUTH_PUBLIC, "", kMaxBody};
    portico::RouteOptions signedIn{PORTICO_AUTH_REQUIRED, "", kMaxBody};
    host.route("POST", "/auth/register", portico::handler(this, &AuthPlugin::registerAccount),
               open);
    host.route("POST", "/auth/login", portico::handler(this, &AuthPlugin::login), open);
    host.route("POST", "/auth/refresh", portico::handler(this, &AuthPlugin::refresh), open);
    host.route("POST", "/auth/logout", portico::handler(this, &AuthPlugin::logout), signedIn);
    host.route("POST", "/auth/password", portico::handler(this, &AuthPlugin::changePassword),
               signedIn);
    host.route("GET", "/.well-known/jwks.json", [this](const Request&, Response& res) {
      res.header("Cache-Control", "public, max-age=300");
      res.write(host_.jwks());
    });
    host.handle_jobs("auth.erase-account", [this](const portico::Job& job) { erase(job); });
  }

 private:
  void registerAccount(const Request& req, Response& res) {
    auto body = req.json();
    body.only({"email", "password"});
    std::string email = validEmail(body.at("email").as_string(kMaxEmailField));
    std::string password = body.at("password").as_string(kMaxPasswordField);
    requirePolicy(password, email, "password");
    limits_.hit(req.scope(), "register:ip:" + std::string(req.client_ip()), registerPerIp_);
    // Repeated sign-ups for one address probe whether it has an account (the 409).
    limits_.hit(req.scope(), "register:account:" + email, registerPerAccount_);
    std::string hash = hashes_.hash(password, cost_);
    std::string id;
    {
      portico::Db db(req);
      auto rows = db.query(
          "INSERT INTO auth_credentials (email, password_hash) VALUES ($1, $2) "
          "ON CONFLICT (email) DO NOTHING RETURNING user_id::text",
          {email, hash});
      // Says no more than that: not whether or when the other account was made.
      if (rows.size() == 0) throw HttpError(409, "this email cannot be registered");
      id = std::string(rows.at(0, 0).as_text());
    }
    host_.try_publish("USER_CREATED", portico::json::object({{"user_id", id}, {"email", email}}));
    res.json(portico::json::object({{"id", id}, {"email", email}}), 201);
  }

  void login(const Request& req, Response& res) {
    auto body = req.json();
    body.only({"email", "password"});
    std::string email = validEmail(body.at("email").as_string(kMaxEmailField));
    std::string password = body.at("password").as_string(kMaxPasswordField);
    std::string ip(req.client_ip());
    limits_.hit(req.scope(), "login:ip:" + ip, loginPerIp_);
    std::string failures = failureKey(email, ip);
    limits_.check(req.scope(), failures, failuresPerAccount_);
    std::string userId;
    std::string hash = dummyHash_;
    {
      portico::Db db(req);  // released before hashing: a lease must not wait on bcrypt
      // A disabled (deleted) account answers like an unknown one.
      auto rows = db.query(
          "SELECT user_id::text, password_hash FROM auth_credentials "
          "WHERE email = $1 AND disabled_at IS NULL",
          {email});
      if (rows.size() == 1) {
        userId = std::string(rows.at(0, 0).as_text());
        hash = std::string(rows.at(0, 1).as_text());
      }
    }
    bool matches = hashes_.verify(password, hash);
    if (!matches || userId.empty()) {
      limits_.record(req.scope(), failures, window_);
      throw HttpError(401, "email or password is wrong");
    }
    limits_.reset(req.scope(), failures);
    portico::Db db(req);
    res.json(sessions_.start(db, userId).toJson());
  }

  void refresh(const Request& req, Response& res) {
    auto body = req.json();
    std::string token = body.only({"refresh_token"}).at("refresh_token").as_string(128);
    limits_.hit(req.scope(), "refresh:ip:" + std::string(req.client_ip()), loginPerIp_);
    res.json(sessions_.rotate(req.scope(), token).toJson());
  }

  // The access token names its session (the refresh token issued with it): logging out with it
  // ends the whole session. A refresh token in the body ends that one's session as well.
  void logout(const Request& req, Response& res) {
    portico::Principal principal = req.user();
    std::string userId = portico::common::userId(principal);
    std::optional<std::string> refreshToken;
    if (!req.body().empty()) {
      if (auto given = req.json().only({"refresh_token"}).find("refresh_token")) {
        refreshToken = given->as_string(128);
      }
    }
    host_.revoke_token(principal.token_id, principal.expires_at);
    portico::Db db(req);
    sessions_.endSessionOf(db, std::string(principal.token_id), userId);
    if (refreshToken) sessions_.endFamily(db, *refreshToken, userId);
    res.status(204);
  }

  void changePassword(const Request& req, Response& res) {
    std::string userId = portico::common::userId(req);
    auto body = req.json();
    body.only({"current_password", "new_password"});
    std::string current = body.at("current_password").as_string(kMaxPasswordField);
    std::string next = body.at("new_password").as_string(kMaxPasswordField);
    std::string email;
    std::string hash;
    {
      portico::Db db(req);
      auto rows = db.query("SELECT email, password_hash FROM auth_credentials WHERE user_id = $1",
                           {Uuid{userId}});
      if (rows.size() == 0) throw HttpError(404, "account no longer exists");
      email = std::string(rows.at(0, 0).as_text());
      hash = std::string(rows.at(0, 1).as_text());
    }
    std::string failures = failureKey(email, std::string(req.client_ip()));
    limits_.check(req.scope(), failures, failuresPerAccount_);
    if (!hashes_.verify(current, hash)) {
      limits_.record(req.scope(), failures, window_);
      throw HttpError(403, "field 'current_password': does not match");
    }
    requirePolicy(next, email, "new_password");
    std::string newHash = hashes_.hash(next, cost_);
    {
      portico::Db db(req);
      auto tx = db.begin();
      db.execute(
          "UPDATE auth_credentials SET password_hash = $2, password_changed_at = now() "
          "WHERE user_id = $1",
          {Uuid{userId}, newHash});
      sessions_.endAll(db, userId);
      tx.commit();
    }
    host_.revoke_subject(userId);
    res.status(204);
  }

  // Idempotent: a job may run twice.
  void erase(const portico::Job& job) {
    const auto* id = job.payload.find("user_id");
    if (id == nullptr || !id->is_string()) {
      host_.error("auth.erase-account job " + std::string(job.id) + " has no user_id; dropped");
      return;
    }
    portico::Db db(job);
    db.execute("DELETE FROM auth_credentials WHERE user_id = $1", {Uuid{id->as_string()}});
    host_.revoke_subject(id->as_string());
  }

  portico::Host& host_;
  int cost_;
  HashPool hashes_;
  RateLimits limits_;
  Sessions sessions_;
  int64_t window_;
  Limit loginPerIp_;
  Limit failuresPerAccount_;
  Limit registerPerIp_;
  Limit registerPerAccount_;
  std::string dummyHash_;
};

}  // namespace auth_plugin

PORTICO_PLUGIN(auth_plugin::AuthPlugin, "auth", AUTH_VERSION)
