// A minimal plugin:
//   GET  /my_plugin/greet/{name}?punctuation=!  -> {"greeting": "..."}   (anyone)
//   GET  /my_plugin/whoami                      -> {"subject": "..."}    (a signed-in caller; the
//                                                  host checks the token before the handler runs)
//   POST /my_plugin/visits/{name}               -> {"visits": n}         (counts in PostgreSQL, in
//                                                  the table migrations/0001_visits creates)
// The config key plugin.my_plugin.greeting in porticod.properties sets the word used.
#include <portico/sdk.hpp>

#include <string>

class MyPlugin : public portico::Plugin {
 public:
  explicit MyPlugin(portico::Host& host) : greeting_(host.config_or("greeting", "hello")) {
    host.route("GET", "/my_plugin/greet/{name}",
               [this](const portico::Request& req, portico::Response& res) {
                 std::string name(*req.param("name"));
                 std::string mark(req.query_param("punctuation").value_or("."));
                 if (mark.size() > 3)
                   throw portico::HttpError(400, "punctuation: at most 3 characters");
                 res.json(portico::json::object({{"greeting", greeting_ + ", " + name + mark}}));
               });
    host.route("GET", "/my_plugin/whoami",
               [](const portico::Request& req, portico::Response& res) {
                 res.json(portico::json::object({{"subject", std::string(req.user().subject)}}));
               },
               {PORTICO_AUTH_REQUIRED});
    host.route("POST", "/my_plugin/visits/{name}",
               [](const portico::Request& req, portico::Response& res) {
                 // Leased for this request (503 for the client when the database is down).
                 portico::Db db(req);
                 auto rows = db.query(
                     "INSERT INTO my_plugin_visits (name, visits) VALUES ($1, 1) ON CONFLICT "
                     "(name) DO UPDATE SET visits = my_plugin_visits.visits + 1 RETURNING visits",
                     {*req.param("name")});
                 res.json(portico::json::object({{"visits", rows.at(0, 0).as_int()}}));
               });
  }

 private:
  const std::string greeting_;  // read once in init; handlers only read it, so no lock is needed
};

PORTICO_PLUGIN(MyPlugin, "my_plugin", "0.1.0")
