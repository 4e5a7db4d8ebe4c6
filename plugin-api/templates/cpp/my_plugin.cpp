// SPDX-License-Identifier: MIT
// my_plugin: each host service used once, as a starting point.
//   GET  /my_plugin/greet/{name}  -> {"greeting": "hello, ada"}   config: plugin.my_plugin.greeting
//   POST /my_plugin/notes {"text": "...", "stars": 1..5} -> 201 {"id": 1}       PostgreSQL, a job
//   GET  /my_plugin/notes/{id}    -> {"id", "text", "stars", "words"}  words: null until the job
//   ran POST /my_plugin/hits/{page}   -> {"hits": n} Redis
//   GET  /my_plugin/notes/live    server-sent events: each note as its words are counted, any host
//   GET  /my_plugin/echo          a WebSocket answering each message with its length
// The job counts a note's words and publishes my_plugin.note_counted, which the plugin logs.
// A route for signed-in callers only: pass {PORTICO_AUTH_REQUIRED} to route(), read req.user().
#include <portico/sdk.hpp>

#include <cstdint>
#include <sstream>
#include <string>

using portico::Request;
using portico::Response;
using portico::json::object;

class MyPlugin : public portico::Plugin {
 public:
  // The constructor is init. `host` outlives the plugin, so handlers may keep a reference.
  explicit MyPlugin(portico::Host& host) : greeting_(host.config_or("greeting", "hello")) {
    host.route("GET", "/my_plugin/greet/{name}", [this](const Request& req, Response& res) {
      res.json(object({{"greeting", greeting_ + ", " + std::string(*req.param("name"))}}));
    });
    host.route("POST", "/my_plugin/notes", [](const Request& req, Response& res) {
      auto body = req.json().only({"text", "stars"});  // a client's mistake answers 400
      std::string text = body.at("text").as_string(1000);
      int64_t stars = body.at("stars").as_int(1, 5);
      portico::Db db(req);  // a session for this request; 503 when the database is down
      int64_t id =
          db.query("INSERT INTO my_plugin_notes (text, stars) VALUES ($1, $2) RETURNING id",
                   {text, stars})
              .at(0, 0)
              .as_int();
      req.scope().enqueue("my_plugin.count_words", object({{"id", id}}));  // carries the trace
      res.json(object({{"id", id}}), 201);
    });
    host.route("GET", "/my_plugin/notes/{id}", [](const Request& req, Response& res) {
      int64_t id = req.param_int("id", 1, INT64_MAX);
      portico::Db db(req);
      auto rows = db.query("SELECT text, stars, words FROM my_plugin_notes WHERE id = $1", {id});
      if (rows.size() == 0) throw portico::HttpError(404, "no such note");
      portico::json::Value words;  // null until counted
      if (!rows.at(0, 2).is_null()) words = rows.at(0, 2).as_int();
      res.json(object({{"id", id},
                       {"text", rows.at(0, 0).as_text()},
                       {"stars", rows.at(0, 1).as_int()},
                       {"words", words}}));
    });
    host.route("POST", "/my_plugin/hits/{page}", [](const Request& req, Response& res) {
      portico::Redis redis(req);
      auto hits = redis.command({"INCR", "my_plugin:hits:" + std::string(*req.param("page"))});
      res.json(object({{"hits", hits.integer()}}));
    });
    // At least once: a job may run again after a crash, so it must be safe to repeat.
    host.handle_jobs("my_plugin.count_words", [&host](const portico::Job& job) {
      int64_t id = job.payload.at("id").as_int();
      portico::Db db(job);
      std::istringstream text(std::string(
          db.query("SELECT text FROM my_plugin_notes WHERE id = $1", {id}).at(0, 0).as_text()));
      int64_t words = 0;
      for (std::string word; text >> word;) ++words;
      db.execute("UPDATE my_plugin_notes SET words = $2 WHERE id = $1", {id, words});
      host.try_publish("my_plugin.note_counted", object({{"id", id}, {"words", words}}));
      host.channel_publish("my_plugin.notes", object({{"id", id}, {"words", words}}).dump());
    });
    // A stream outlives its handler; channel messages reach it from any host until it ends.
    host.route("GET", "/my_plugin/notes/live", [](const Request&, Response& res) {
      res.event_stream().subscribe("my_plugin.notes");
    });
    host.route("GET", "/my_plugin/echo", [](const Request&, Response& res) {
      portico::StreamCallbacks on;
      on.on_message = [](portico::Stream& ws, std::string_view text, bool) {
        ws.write(std::to_string(text.size()));
      };
      res.websocket(std::move(on));
    });
    // At most once, on every host: for news, never for work that must happen.
    host.subscribe("my_plugin.note_counted", [&host](const portico::Event& event) {
      host.info("note " + event.payload.at("id").dump() + " has " +
                event.payload.at("words").dump() + " words");
    });
  }

 private:
  const std::string greeting_;  // read in init, only read by handlers: no lock needed
};

PORTICO_PLUGIN(MyPlugin, "my_plugin", "0.1.0")
