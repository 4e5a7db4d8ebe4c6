// SPDX-License-Identifier: Apache-2.0
// users: profiles and settings of the accounts the auth plugin creates. Routes (all but the
// last two need a signed-in user):
//   GET    /users/me           the caller's profile
//   PATCH  /users/me           display_name, avatar_url, bio, locale, time_zone
//   GET    /users/me/settings  the settings document
//   PUT    /users/me/settings  replace it (see Settings.h); publishes SETTINGS_UPDATED
//   DELETE /users/me           anonymise the profile, disable sign-in and refresh at once
//                              (auth_disable_account, from the auth plugin's schema), revoke
//                              every token, erase the credentials (auth.erase-account job)
//                              and anonymise usage events (analytics.erase-user job),
//                              publish USER_DELETED; 204 once erased, 202 if the job is pending
//   GET    /users/{id}         public: display_name, avatar_url and bio only
//   GET    /internal/users/{id}  scope users:read (a service token): profile and settings
// Creates a profile on USER_CREATED, and on first sight of a user whose event was lost.
#include <chrono>
#include <optional>
#include <thread>

#include "Caller.h"
#include "PluginConfig.h"
#include "ProfileCache.h"
#include "ProfileFields.h"
#include "Settings.h"
#include "portico/sdk.hpp"

namespace users_plugin {
namespace {

using portico::HttpError;
using portico::Jsonb;
using portico::Request;
using portico::Response;
using portico::Uuid;
using portico::json::Value;

using portico::common::isUuid;
using portico::common::userId;

// The profile fields a user sees of themselves, the settings document, and whether deleted.
struct ProfileRow {
  Value profile;  // id, display_name, avatar_url, bio, locale, time_zone
  std::string settings;
  bool deleted = false;
};

// How long DELETE /users/me waits for the credentials to be erased before answering 202.
constexpr std::chrono::milliseconds kEraseWait(3000);

constexpr const char* kProfileColumns =
    "user_id::text AS id, display_name, avatar_url, bio, locale, time_zone, settings, "
    "deleted_at IS NOT NULL AS deleted";

Value nullableText(const portico::DbValue& v) {
  return v.is_null() ? Value(nullptr) : Value(v.as_text());
}

// The first row of a query or statement returning kProfileColumns.
ProfileRow rowOf(const portico::Rows& rows) {
  ProfileRow row;
  row.profile = portico::json::object({{"id", rows.at(0, "id").as_text()},
                                       {"display_name", rows.at(0, "display_name").as_text()},
                                       {"avatar_url", nullableText(rows.at(0, "avatar_url"))},
                                       {"bio", rows.at(0, "bio").as_text()},
                                       {"locale", rows.at(0, "locale").as_text()},
                                       {"time_zone", rows.at(0, "time_zone").as_text()}});
  row.settings = std::string(rows.at(0, "settings").as_text());
  row.deleted = rows.at(0, "deleted").as_bool();
  return row;
}

}  // namespace

class UsersPlugin : public portico::Plugin {
 public:
  explicit UsersPlugin(portico::Host& host)
      : host_(host),
        cache_(std::chrono::milliseconds(
                   portico::common::configInt(host, "cache_ttl_ms", 1000, 0, 60000)),
               100000) {
    portico::RouteOptions signedIn{PORTICO_AUTH_REQUIRED, "", 4096};
    portico::RouteOptions settingsBody{PORTICO_AUTH_REQUIRED, "", kMaxSettingsBytes};
    host.route("GET", "/users/me", portico::handler(this, &UsersPlugin::getMe), signedIn);
    host.route("PATCH", "/users/me", portico::handler(this, &UsersPlugin::patchMe), signedIn);
    host.route("DELETE", "/users/me", portico::handler(this, &UsersPlugin::deleteMe), signedIn);
    host.route("GET", "/users/me/settings", portico::handler(this, &UsersPlugin::getSettings),
               signedIn);
    host.route("PUT", "/users/me/settings", portico::handler(this, &UsersPlugin::putSettings),
               settingsBody);
    host.route("GET", "/users/{id}", portico::handler(this, &UsersPlugin::getPublic));
    host.route("GET", "/internal/users/{id}", portico::handler(this, &UsersPlugin::getInternal),
               {PORTICO_AUTH_REQUIRED, "users:read"});
    host.subscribe("USER_CREATED", [this](const portico::Event& event) {
      const Value* id = event.payload.find("user_id");
      const Value* email = event.payload.find("email");
      if (id == nullptr || !id->is_string() || !isUuid(id->as_string())) return;
      std::string name;
      if (email && email->is_string())
        name = email->as_string().substr(0, email->as_string().find('@'));
      portico::Db db(event);
      // portico_plugin_events_total{plugin="users",event=...}: a repeat that found the profile
      // named already (or deleted) changed nothing, and says so.
      host_.count(ensureProfile(db, id->as_string(), name) ? "user_created_applied"
                                                           : "user_created_unchanged");
    });
  }

 private:
  // A row made on first sight (the event came late or never) has no name yet; the event's fills
  // it in. A name the user set is never overwritten, and a deleted account stays anonymous.
  // True when it wrote the row.
  static bool ensureProfile(portico::Db& db, const std::string& id, const std::string& name) {
    return db.execute(
               "INSERT INTO user_profiles (user_id, display_name) VALUES ($1, $2) "
               "ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name "
               "WHERE user_profiles.display_name = '' AND user_profiles.deleted_at IS NULL",
               {Uuid{id}, name}) > 0;
  }

  static std::optional<ProfileRow> findProfile(portico::Db& db, const std::string& id) {
    auto rows = db.query(
        std::string("SELECT ") + kProfileColumns + " FROM user_profiles WHERE user_id = $1",
        {Uuid{id}});
    if (rows.size() == 0) return std::nullopt;
    return rowOf(rows);
  }

  // The caller's own row, created if the USER_CREATED event never arrived. 404 once deleted.
  static ProfileRow ownProfile(portico::Db& db, const std::string& id) {
    auto row = findProfile(db, id);
    if (!row) {
      ensureProfile(db, id, "");
      row = findProfile(db, id).value();  // there now: profile rows are never removed
    }
    if (row->deleted) throw HttpError(404, "this account has been deleted");
    return std::move(*row);
  }

  void getMe(const Request& req, Response& res) {
    std::string id = userId(req);
    if (auto cached = cache_.get(id)) {
      res.write(*cached);
      return;
    }
    portico::Db db(req);
    std::string body = ownProfile(db, id).profile.dump();
    cache_.put(id, body);
    res.write(body);
  }

  void patchMe(const Request& req, Response& res) {
    std::string id = userId(req);
    ProfilePatch patch = readProfilePatch(
        req.json().only({"display_name", "avatar_url", "bio", "locale", "time_zone"}));
    portico::Db db(req);
    if (patch.timeZone &&
        db.query("SELECT 1 FROM pg_timezone_names WHERE name = $1", {*patch.timeZone}).size() ==
            0) {
      throw HttpError(400, "field 'time_zone': '" + *patch.timeZone + "' is not a known time zone");
    }
    ownProfile(db, id);
    auto updated =
        db.query(std::string("UPDATE user_profiles SET display_name = COALESCE($2, display_name), "
                             "avatar_url = CASE WHEN $3 THEN $4 ELSE avatar_url END, "
                             "bio = COALESCE($5, bio), locale = COALESCE($6, locale), "
                             "time_zone = COALESCE($7, time_zone), updated_at = now() "
                             "WHERE user_id = $1 AND deleted_at IS NULL RETURNING ") +
                     kProfileColumns,
                 {Uuid{id}, patch.displayName, patch.setAvatar, patch.avatarUrl, patch.bio,
                  patch.locale, patch.timeZone});
    cache_.drop(id);
    if (updated.size() == 0) throw HttpError(404, "this account has been deleted");
    res.json(rowOf(updated).profile);
  }

  void getSettings(const Request& req, Response& res) {
    std::string id = userId(req);
    portico::Db db(req);
    res.write(ownProfile(db, id).settings);
  }

  void putSettings(const Request& req, Response& res) {
    std::string id = userId(req);
    Value settings = req.json();
    validateSettings(settings);
    std::string text = settings.dump();
    portico::Db db(req);
    ownProfile(db, id);
    db.execute("UPDATE user_profiles SET settings = $2, updated_at = now() WHERE user_id = $1",
               {Uuid{id}, Jsonb{text}});
    host_.try_publish("SETTINGS_UPDATED",
                      portico::json::object({{"user_id", id}, {"settings", settings}}));
    res.json(settings);
  }

  void deleteMe(const Request& req, Response& res) {
    std::string id = userId(req);
    // The erase job goes first: if it cannot be queued nothing has changed and the client may
    // simply retry, while a profile already marked deleted could not be deleted again.
    // A job, not an event: credentials left behind would let a deleted account sign in again.
    std::string job = host_.enqueue("auth.erase-account", portico::json::object({{"user_id", id}}),
                                    portico::JobOptions{0, 10, 1000});
    // The analytics plugin anonymises the user's usage events; queued whether or not it runs
    // here now, it does so when it is loaded.
    host_.enqueue("analytics.erase-user", portico::json::object({{"user_id", id}}),
                  portico::JobOptions{0, 10, 1000});
    {
      portico::Db db(req);
      ownProfile(db, id);
      auto tx = db.begin();
      db.execute(
          "UPDATE user_profiles SET display_name = '', avatar_url = NULL, bio = '', "
          "settings = '{}', deleted_at = now(), updated_at = now() WHERE user_id = $1",
          {Uuid{id}});
      // Sign-in and refresh stop now, not when the erase job gets to it (auth's migration 0002).
      db.query("SELECT auth_disable_account($1)", {Uuid{id}});
      tx.commit();
    }
    cache_.drop(id);
    host_.revoke_subject(id);
    host_.try_publish("USER_DELETED", portico::json::object({{"user_id", id}}));
    // Until the job has run, a refresh token could still mint a token; so answer 204 only once
    // the credentials are gone, and 202 (the job keeps retrying) if that takes too long.
    auto deadline = std::chrono::steady_clock::now() + kEraseWait;
    while (host_.job_status(job).first != PORTICO_JOB_DONE) {
      if (std::chrono::steady_clock::now() >= deadline) {
        res.json(portico::json::object({{"status", "deleting"}, {"job_id", job}}), 202);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    res.status(204);
  }

  // Another user's row, never created here: 404 for unknown and deleted accounts alike.
  ProfileRow someoneElse(const Request& req) {
    std::string_view id = *req.param("id");
    if (!isUuid(id)) throw HttpError(400, "user id must be a UUID");
    portico::Db db(req);
    auto row = findProfile(db, std::string(id));
    if (!row || row->deleted) throw HttpError(404, "no such user");
    return std::move(*row);
  }

  void getInternal(const Request& req, Response& res) {
    ProfileRow row = someoneElse(req);
    row.profile.set("settings", portico::json::parse(row.settings));
    res.json(row.profile);
  }

  void getPublic(const Request& req, Response& res) {
    const Value profile = someoneElse(req).profile;
    res.json(portico::json::object({{"id", profile.at("id")},
                                    {"display_name", profile.at("display_name")},
                                    {"avatar_url", profile.at("avatar_url")},
                                    {"bio", profile.at("bio")}}));
  }

  portico::Host& host_;
  ProfileCache cache_;
};

}  // namespace users_plugin

PORTICO_PLUGIN(users_plugin::UsersPlugin, "users", USERS_VERSION)
