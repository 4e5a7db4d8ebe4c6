// SPDX-License-Identifier: Apache-2.0
// The ai plugin against a fake provider on loopback (FakeProvider.h) and the suite's PostgreSQL
// and Redis: the gateway in OpenAI's shape, streamed replies relayed as they come and cancelled
// with their client, retries, fallbacks and cooldowns, background jobs (push, idempotency,
// cancel, SIGKILL mid-job), Replicate's predictions and signed webhooks, budgets, usage, the
// cache and bad input.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <string>

#include "AuthHarness.h"
#include "Eventually.h"
#include "FakeProvider.h"
#include "Generations.h"
#include "Http.h"
#include "Porticod.h"
#include "RawSocket.h"
#include "Services.h"

using e2e::Porticod;
namespace json = portico::json;

namespace {

// Replicate's form of a secret: "whsec_" and the key's bytes in base64.
const std::string kWebhookKey = "portico-ai-test-webhook-secret!!";
const std::string kWebhookSecret = "whsec_cG9ydGljby1haS10ZXN0LXdlYmhvb2stc2VjcmV0ISE=";

Porticod::Options aiHost(const e2e::FakeProvider& fake,
                         std::map<std::string, std::string> more = {}) {
  std::map<std::string, std::string> config{
      {"plugin.ai.outbound.allow", "http://127.0.0.1:*"},
      {"plugin.ai.providers", "main, backup, flaky, badkey, replicate, nokey"},
      {"plugin.ai.provider.badkey.base_url", fake.baseUrl()},
      {"plugin.ai.provider.main.base_url", fake.baseUrl()},
      {"plugin.ai.provider.main.key_env", "AI_TEST_MAIN_KEY"},
      {"plugin.ai.provider.backup.base_url", fake.baseUrl()},
      {"plugin.ai.provider.flaky.base_url", fake.baseUrl()},
      {"plugin.ai.provider.replicate.kind", "replicate"},
      {"plugin.ai.provider.replicate.base_url", fake.baseUrl()},
      {"plugin.ai.provider.replicate.key_env", "AI_TEST_REPLICATE_KEY"},
      {"plugin.ai.provider.nokey.base_url", fake.baseUrl()},
      {"plugin.ai.provider.nokey.key_env", "AI_TEST_ABSENT_KEY"},
      {"plugin.ai.models",
       "ok, nousage, gated, slow, late, r429, r401, r400, r500, local, ghost, premium, painter, "
       "waiter"},
      {"plugin.ai.model.ok.provider", "main"},
      {"plugin.ai.model.ok.name", "m-ok"},
      {"plugin.ai.model.ok.price_in_per_1k", "1"},
      {"plugin.ai.model.ok.price_out_per_1k", "2"},
      {"plugin.ai.replicate.webhook_secret_env", "AI_TEST_WEBHOOK_SECRET"},
      {"plugin.ai.replicate.poll_ms", "100"},
      {"plugin.ai.cooldown_ms", "5000"},
      // The cache outlives a test: only its own test uses it.
      {"plugin.ai.cache.ttl_s", "0"},
      // Tests run side by side on one Redis: each fake's jobs go to the hosts that call it.
      {"plugin.ai.job.queue", "ai.generate." + fake.baseUrl().substr(17, 5)}};
  for (const auto& [alias, model] : std::map<std::string, std::string>{{"nousage", "m-nousage"},
                                                                       {"gated", "m-gated"},
                                                                       {"slow", "m-slow"},
                                                                       {"late", "m-late"},
                                                                       {"r429", "m-429"},
                                                                       {"r400", "m-400"},
                                                                       {"premium", "m-ok"}}) {
    config["plugin.ai.model." + alias + ".provider"] = "main";
    config["plugin.ai.model." + alias + ".name"] = model;
  }
  config["plugin.ai.model.premium.scope"] = "ai:premium";
  config["plugin.ai.model.r500.provider"] = "flaky";
  config["plugin.ai.model.r500.name"] = "m-500";
  config["plugin.ai.model.r500.fallbacks"] = "local";
  config["plugin.ai.model.local.provider"] = "backup";
  config["plugin.ai.model.local.name"] = "m-ok";
  config["plugin.ai.model.ghost.provider"] = "nokey";
  config["plugin.ai.model.r401.provider"] = "badkey";
  config["plugin.ai.model.r401.name"] = "m-401";
  config["plugin.ai.model.painter.provider"] = "replicate";
  config["plugin.ai.model.painter.name"] = "acme/painter";
  config["plugin.ai.model.painter.price_per_second"] = "0.01";
  config["plugin.ai.model.waiter.provider"] = "replicate";
  config["plugin.ai.model.waiter.name"] = "acme/waiter";
  for (auto& [k, v] : more) config[k] = v;
  auto options = e2e::authHostOptions(std::move(config));
  options.plugins.emplace_back(e2e::pluginPath("ai.so"), "ai.so");
  options.env["AI_TEST_MAIN_KEY"] = "sk-main-test";
  options.env["AI_TEST_REPLICATE_KEY"] = "r8-test";
  options.env["AI_TEST_WEBHOOK_SECRET"] = kWebhookSecret;
  return options;
}

json::Value ask(const std::string& model, const std::string& question,
                json::Value extra = json::object({})) {
  json::Value body = json::object(
      {{"model", model},
       {"messages", json::Array{json::object({{"role", "user"}, {"content", question}})}}});
  for (const auto& [k, v] : extra.as_object()) body.set(k, v);
  return body;
}

e2e::Reply call(const Porticod& p, const std::string& token, const std::string& method,
                const std::string& path, const std::string& body = "",
                std::map<std::string, std::string> headers = {}) {
  headers["Authorization"] = "Bearer " + token;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  return e2e::request(p.port(), method, path, body, headers);
}

e2e::Reply chat(const Porticod& p, const std::string& token, const json::Value& body,
                std::map<std::string, std::string> headers = {}) {
  return call(p, token, "POST", "/ai/v1/chat/completions", body.dump(), std::move(headers));
}

std::string rawPost(const std::string& path, const std::string& token, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string sql(const std::string& query) {
  auto [code, out] = e2e::suitePsql(query);
  EXPECT_EQ(code, 0) << query << ": " << out;
  return out;
}

// The owner's view of a job once it has ended (or as it is after 15 s).
json::Value awaitJob(const Porticod& p, const std::string& token, const std::string& id) {
  json::Value job;
  e2e::eventually(std::chrono::seconds(15), [&] {
    auto r = call(p, token, "GET", "/ai/jobs/" + id);
    if (r.status != 200) return false;
    job = r.json();
    std::string s = job.at("status").as_string();
    return s != "queued" && s != "running";
  });
  return job;
}

// What Replicate sends as webhook-signature, computed here with OpenSSL.
std::string sign(const std::string& id, const std::string& timestamp, const std::string& body) {
  std::string message = id + "." + timestamp + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kWebhookKey.data(), static_cast<int>(kWebhookKey.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &len);
  std::string out(4 * ((len + 2) / 3) + 1, '\0');
  out.resize(static_cast<size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                 digest, static_cast<int>(len))));
  return "v1," + out;
}

}  // namespace

TEST(Ai, ACompletionInOpenAisShapeIsChargedAndListedInUsage) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-sync"));
  auto r = chat(p, user.access, ask("ok", "what is 2+2?"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["x-ai-model"], "ok");
  json::Value body = r.json();
  EXPECT_EQ(body.at("model").as_string(), "ok");
  EXPECT_EQ(body.at("choices").as_array()[0].at("message").at("content").as_string(),
            "answer to: what is 2+2?");
  EXPECT_EQ(body.at("usage").at("prompt_tokens").as_int(), 12);
  ASSERT_EQ(fake.calls("m-ok"), 1);
  EXPECT_EQ(fake.authorizations().back(), "Bearer sk-main-test");  // the key from the env
  auto usage = call(p, user.access, "GET", "/ai/v1/usage").json();
  const auto& models = usage.at("models").as_array();
  ASSERT_EQ(models.size(), 1u) << usage.dump();
  EXPECT_EQ(models[0].at("model").as_string(), "ok");
  EXPECT_EQ(models[0].at("input_tokens").as_int(), 12);
  EXPECT_EQ(models[0].at("output_tokens").as_int(), 5);
  EXPECT_NEAR(models[0].at("cost").as_double(), 0.022, 1e-9);  // 12 x 1/1k + 5 x 2/1k

  auto list = call(p, user.access, "GET", "/ai/v1/models").json();
  std::string ids;
  for (const auto& m : list.at("data").as_array()) ids += m.at("id").as_string() + " ";
  EXPECT_NE(ids.find("ok "), std::string::npos);
  EXPECT_EQ(ids.find("premium"), std::string::npos) << "listed without its scope";

  auto admin = e2e::serviceToken("service:ops", "ai:admin");
  auto all = call(p, admin, "GET", "/ai/v1/usage/all?group=user");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(user.userId), std::string::npos);
  EXPECT_EQ(call(p, user.access, "GET", "/ai/v1/usage/all").status, 403);
}

TEST(Ai, AStreamedReplyIsRelayedAsItComesAndChargedFromItsLastChunk) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-stream"));
  e2e::RawSocket socket(p.port());
  socket.send(rawPost("/ai/v1/chat/completions", user.access,
                      ask("gated", "stream me", json::object({{"stream", true}})).dump()));
  // The provider holds back everything after "answer" until released: a gateway that gathered
  // the reply first would show nothing here.
  std::string first = lower(socket.receiveUntil("answer", 5000));
  ASSERT_NE(first.find("answer"), std::string::npos) << first;
  EXPECT_NE(first.find("text/event-stream"), std::string::npos);
  EXPECT_NE(first.find("x-ai-model: gated"), std::string::npos) << first;
  EXPECT_EQ(first.find(" to: stream me"), std::string::npos);
  fake.release();
  std::string rest = socket.receiveUntil("data: [DONE]", 5000);
  EXPECT_NE(rest.find(" to: stream me"), std::string::npos) << rest;
  EXPECT_EQ(rest.find("prompt_tokens"), std::string::npos) << "usage chunk not asked for";
  ASSERT_TRUE(fake.bodies("m-gated").at(0).at("stream_options").at("include_usage").as_bool());
  EXPECT_TRUE(e2e::eventually([&] {
    return sql("SELECT input_tokens || '/' || output_tokens FROM ai.usage WHERE NOT estimated "
               "AND subject = '" +
               user.userId + "'") == "12/5";
  }));

  // A client that asks for usage gets the chunk; a provider that sends none is estimated.
  e2e::RawSocket again(p.port());
  again.send(
      rawPost("/ai/v1/chat/completions", user.access,
              ask("nousage", "count me",
                  json::object({{"stream", true},
                                {"stream_options", json::object({{"include_usage", true}})}}))
                  .dump()));
  std::string all = again.receiveUntil("data: [DONE]", 5000);
  EXPECT_NE(all.find(" to: count me"), std::string::npos) << all;
  e2e::RawSocket third(p.port());
  third.send(
      rawPost("/ai/v1/chat/completions", user.access,
              ask("ok", "usage please",
                  json::object({{"stream", true},
                                {"stream_options", json::object({{"include_usage", true}})}}))
                  .dump()));
  std::string withUsage = third.receiveUntil("data: [DONE]", 5000);
  EXPECT_NE(withUsage.find("\"prompt_tokens\":12"), std::string::npos) << withUsage;
  EXPECT_TRUE(e2e::eventually([&] {
    return sql("SELECT count(*) FROM ai.usage WHERE subject = '" + user.userId +
               "' AND model = 'nousage' AND estimated AND output_tokens > 0") == "1";
  }));
}

TEST(Ai, AClientThatGoesAwayCancelsTheUpstreamCallAtOnce) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-cancel"));
  {
    e2e::RawSocket socket(p.port());
    socket.send(rawPost("/ai/v1/chat/completions", user.access,
                        ask("slow", "never mind", json::object({{"stream", true}})).dump()));
    ASSERT_NE(socket.receiveUntil("answer", 5000).find("answer"), std::string::npos);
  }  // the client hangs up; the provider stays silent, so only a cancel can end its call
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] { return fake.disconnects() == 1; }));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST(Ai, AStreamOutlivesAHotSwapOnItsOldGenerationWhichIsThenUnloaded) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-swap"));
  e2e::RawSocket socket(p.port());
  socket.send(rawPost("/ai/v1/chat/completions", user.access,
                      ask("gated", "across a swap", json::object({{"stream", true}})).dump()));
  ASSERT_NE(socket.receiveUntil("answer", 5000).find("answer"), std::string::npos);
  auto reload = e2e::admin(p, "POST", "/admin/plugins/ai/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  fake.release();  // the old generation's relay carries the reply to its end
  EXPECT_NE(socket.receiveUntil("data: [DONE]", 5000).find(" to: across a swap"),
            std::string::npos);
  auto entry = e2e::waitUntilDrained(p, "ai", 15000);
  const auto& old = entry.at("old_generations").as_array().at(0);
  EXPECT_EQ(old.at("state").as_string(), "closed") << entry.dump();
#if !defined(__SANITIZE_THREAD__)  // TSan's dlclose keeps libraries mapped (HotSwapTest.cpp)
  EXPECT_TRUE(old.at("unmapped").as_bool()) << entry.dump();
#endif
  EXPECT_EQ(sql("SELECT count(*) FROM ai.usage WHERE subject = '" + user.userId + "'"), "1");
  EXPECT_EQ(chat(p, user.access, ask("ok", "after the swap")).status, 200);
}

TEST(Ai, AStreamStillOpenAtTheDrainDeadlineIsEndedAndItsUpstreamCallCancelled) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake, {{"plugins.drain_timeout_ms", "500"}}));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-deadline"));
  e2e::RawSocket socket(p.port());
  socket.send(rawPost("/ai/v1/chat/completions", user.access,
                      ask("slow", "forever", json::object({{"stream", true}})).dump()));
  ASSERT_NE(socket.receiveUntil("answer", 5000).find("answer"), std::string::npos);
  ASSERT_EQ(e2e::admin(p, "POST", "/admin/plugins/ai/reload").status, 200);
  // The host ends the stream at the deadline; the relay then stops the provider's call, and the
  // generation, its threads joined, is unloaded.
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] { return fake.disconnects() == 1; }));
  auto entry = e2e::waitUntilDrained(p, "ai", 15000);
  const auto& old = entry.at("old_generations").as_array().at(0);
  EXPECT_EQ(old.at("state").as_string(), "closed") << entry.dump();
#if !defined(__SANITIZE_THREAD__)
  EXPECT_TRUE(old.at("unmapped").as_bool()) << entry.dump();
#endif
}

TEST(Ai, RetriesFallbacksCooldownsAndUpstreamErrorsAreClear) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-resilience"));
  auto r = chat(p, user.access, ask("r429", "again"));  // 429 with Retry-After: 1, then 200
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fake.calls("m-429"), 2);

  r = chat(p, user.access, ask("r500", "fall back"));  // 500 twice, then its fallback answers
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["x-ai-model"], "local");
  EXPECT_EQ(r.json().at("model").as_string(), "local");
  EXPECT_EQ(fake.calls("m-500"), 2);
  // The failing provider now rests: its model is not called, and the answer says for how long.
  int before = fake.calls("m-500");
  r = chat(p, user.access, ask("r500", "still?"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fake.calls("m-500"), before);

  r = chat(p, user.access, ask("r401", "who am i"));
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_NE(r.body.find("Incorrect API key provided"), std::string::npos) << r.body;
  r = chat(p, user.access, ask("r400", "too long"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("maximum context length exceeded"), std::string::npos) << r.body;
  EXPECT_EQ(fake.calls("m-400"), 1) << "a refused request is not retried";
  EXPECT_GE(e2e::metric(p.port(), R"(portico_plugin_events_total{event="fallback",plugin="ai"})"),
            1);
}

TEST(Ai, BadInputIsAClearError) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake, {{"plugin.ai.max_prompt_bytes", "1000"}}));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-bad"));
  auto r = chat(p, user.access, ask("gpt-17", "hi"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown model 'gpt-17'"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("ok"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("premium"), std::string::npos) << r.body;
  auto forbidden = chat(p, user.access, ask("premium", "hi"));
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_NE(forbidden.body.find("needs scope ai:premium"), std::string::npos) << forbidden.body;
  EXPECT_EQ(chat(p, user.access, ask("ok", std::string(1500, 'x'))).status, 413);
  r = call(p, user.access, "POST", "/ai/v1/chat/completions", "{not json");
  EXPECT_EQ(r.status, 400);
  r = chat(p, user.access, ask("ok", "hi", json::object({{"temperature", "warm"}})));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("temperature"), std::string::npos) << r.body;
  r = call(p, user.access, "POST", "/ai/v1/chat/completions", R"({"model":"ok","messages":"hi"})");
  EXPECT_NE(r.body.find("messages"), std::string::npos) << r.body;
  EXPECT_EQ(
      e2e::request(p.port(), "POST", "/ai/v1/chat/completions", ask("ok", "hi").dump()).status,
      401);
  // A provider without its key: the plugin runs, /ready says so, calls are 503 with why.
  r = chat(p, user.access, ask("ghost", "hi"));
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("AI_TEST_ABSENT_KEY"), std::string::npos) << r.body;
  r = call(p, user.access, "POST", "/ai/generate", ask("ghost", "later").dump());
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("AI_TEST_ABSENT_KEY"), std::string::npos) << r.body;
  auto ready = e2e::get(p.port(), "/ready");
  EXPECT_NE(
      ready.body.find(R"({"plugin":"ai","component":"provider.nokey","state":"unconfigured"})"),
      std::string::npos)
      << ready.body;
  EXPECT_EQ(fake.calls("m-ok"), 0);
}

TEST(Ai, RepeatedQuestionsComeFromTheCacheAsJsonOrAsAStream) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake, {{"plugin.ai.cache.ttl_s", "3600"}}));
  auto alice = e2e::signUp(p, e2e::uniqueEmail("ai-cache-a"));
  auto bob = e2e::signUp(p, e2e::uniqueEmail("ai-cache-b"));
  std::string question = "cached? " + alice.userId;  // unique per run: the cache outlives tests
  auto first = chat(p, alice.access, ask("ok", question, json::object({{"user", alice.userId}})));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.headers["x-ai-cache"], "miss");
  auto hit = chat(p, bob.access, ask("ok", question));
  ASSERT_EQ(hit.status, 200) << hit.body;
  EXPECT_EQ(hit.headers["x-ai-cache"], "hit");
  EXPECT_EQ(fake.calls("m-ok"), 1);
  EXPECT_EQ(hit.json().at("choices").as_array()[0].at("message").at("content").as_string(),
            "answer to: " + question);
  EXPECT_NE(hit.json().at("id").as_string(), first.json().at("id").as_string());
  EXPECT_EQ(hit.body.find(alice.userId.substr(0, 8) + "-"), hit.body.find(alice.userId))
      << "only the question itself may carry alice's id";

  e2e::RawSocket socket(p.port());
  socket.send(rawPost("/ai/v1/chat/completions", bob.access,
                      ask("ok", question, json::object({{"stream", true}})).dump()));
  std::string replay = lower(socket.receiveUntil("data: [DONE]", 5000));
  EXPECT_NE(replay.find("x-ai-cache: hit"), std::string::npos) << replay;
  EXPECT_NE(replay.find("\"content\":\"answer to: " + question), std::string::npos) << replay;
  EXPECT_EQ(fake.calls("m-ok"), 1);

  // A streamed reply is cached too, once whole.
  e2e::RawSocket streamed(p.port());
  streamed.send(
      rawPost("/ai/v1/chat/completions", bob.access,
              ask("ok", question + " streamed", json::object({{"stream", true}})).dump()));
  ASSERT_NE(streamed.receiveUntil("data: [DONE]", 5000).find("[DONE]"), std::string::npos);
  // The relay caches, then charges, after the last event: the third usage row says it is done.
  ASSERT_TRUE(e2e::eventually([&] {
    return sql("SELECT count(*) FROM ai.usage WHERE subject = '" + bob.userId + "'") == "3";
  }));
  auto again = chat(p, alice.access, ask("ok", question + " streamed"));
  EXPECT_EQ(again.headers["x-ai-cache"], "hit");
  EXPECT_NE(again.body.find("answer to: " + question + " streamed"), std::string::npos);
  EXPECT_EQ(fake.calls("m-ok"), 2);

  auto fresh = chat(p, bob.access, ask("ok", question), {{"Cache-Control", "no-store"}});
  EXPECT_EQ(fresh.headers["x-ai-cache"], "bypass");
  EXPECT_EQ(fake.calls("m-ok"), 3);
  EXPECT_GE(e2e::metric(p.port(), R"(portico_plugin_events_total{event="cache_hit",plugin="ai"})"),
            2);
  EXPECT_GE(e2e::metric(p.port(), R"(portico_plugin_events_total{event="cache_miss",plugin="ai"})"),
            1);
  EXPECT_EQ(
      sql("SELECT count(*) FILTER (WHERE cached AND cost = 0) FROM ai.usage WHERE subject = '" +
          bob.userId + "'"),
      "2");
}

TEST(Ai, BudgetsAnswer429WithRetryAfter) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake, {{"plugin.ai.user.requests_per_minute", "3"},
                           {"plugin.ai.user.tokens_per_day", "40"},
                           {"plugin.ai.cache.ttl_s", "0"}}));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-budget"));
  // 60 bytes of prompt (15 tokens by estimate) and max_tokens 5: each call reserves 20 and is
  // charged the 17 it used.
  auto costly = [](const std::string& n) {
    return ask("ok", std::string(59, 'q') + n, json::object({{"max_tokens", 5}}));
  };
  EXPECT_EQ(chat(p, user.access, costly("1")).status, 200);  // 17 spent
  EXPECT_EQ(chat(p, user.access, costly("2")).status, 200);  // 34: 6 left, less than a call
  auto r = chat(p, user.access, costly("3"));
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_NE(r.body.find("has 6 tokens left"), std::string::npos) << r.body;
  EXPECT_GT(std::stoi(r.headers["retry-after"]), 0);
  // The error is in OpenAI's shape (http.openai_error_paths), which its SDKs read.
  EXPECT_EQ(r.json().at("error").at("type").as_string(), "rate_limit_error") << r.body;

  // Requests a minute: five in a row see at least one 429, whichever minute they straddle.
  auto other = e2e::signUp(p, e2e::uniqueEmail("ai-rpm"));
  Porticod q(aiHost(fake, {{"plugin.ai.user.requests_per_minute", "2"}}));
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    auto rr = chat(q, other.access, ask("ok", "rpm " + std::to_string(i)));
    if (rr.status == 429) {
      ++limited;
      EXPECT_NE(rr.body.find("requests a minute"), std::string::npos) << rr.body;
    }
  }
  EXPECT_GE(limited, 1);
}

TEST(Ai, AJobRunsInTheBackgroundAndItsOwnerIsToldAtOnce) {
  e2e::FakeProvider fake;
  // jobtest records the AI_JOB_COMPLETED events this host hears on the bus.
  std::string tag = "ai-job-" + fake.baseUrl().substr(17, 5);
  auto options = aiHost(fake, {{"plugin.jobtest.events", "AI_JOB_COMPLETED"},
                               {"plugin.jobtest.tag", tag},
                               {"plugin.jobtest.queue", tag}});
  options.plugins.emplace_back(e2e::fixturePath("jobtest.so"), "jobtest.so");
  Porticod p(options);
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-job"));
  auto stranger = e2e::signUp(p, e2e::uniqueEmail("ai-job-other"));
  e2e::RawSocket push(p.port());
  push.send(
      "GET /push/me HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\nAuthorization: "
      "Bearer " +
      user.access + "\r\n\r\n");
  ASSERT_NE(push.receiveUntil("text/event-stream", 5000).find("200"), std::string::npos);

  auto made = call(p, user.access, "POST", "/ai/generate", ask("late", "in the background").dump(),
                   {{"Idempotency-Key", "job-" + user.userId}});
  ASSERT_EQ(made.status, 202) << made.body;
  std::string id = made.json().at("job_id").as_string();
  auto again = call(p, user.access, "POST", "/ai/generate", ask("late", "in the background").dump(),
                    {{"Idempotency-Key", "job-" + user.userId}});
  EXPECT_EQ(again.status, 202);
  EXPECT_EQ(again.json().at("job_id").as_string(), id);
  auto reused = call(p, user.access, "POST", "/ai/generate", ask("late", "something else").dump(),
                     {{"Idempotency-Key", "job-" + user.userId}});
  EXPECT_EQ(reused.status, 422) << reused.body;

  std::string told = push.receiveUntil(id, 10000);
  EXPECT_NE(told.find("ai.job.completed"), std::string::npos) << told;
  json::Value job = awaitJob(p, user.access, id);
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << job.dump();
  EXPECT_EQ(job.at("output").at("choices").as_array()[0].at("message").at("content").as_string(),
            "answer to: in the background");
  EXPECT_EQ(job.at("usage").at("output_tokens").as_int(), 5);
  EXPECT_FALSE(job.at("finished_at").is_null());
  EXPECT_EQ(fake.calls("m-late"), 1);
  EXPECT_TRUE(e2e::eventually([&] {
    std::string heard = e2e::get(p.port(), "/jobtest/events").body;
    return heard.find("AI_JOB_COMPLETED") != std::string::npos &&
           heard.find(id) != std::string::npos && heard.find("succeeded") != std::string::npos;
  }));
  EXPECT_EQ(call(p, stranger.access, "GET", "/ai/jobs/" + id).status, 404);
  auto mine = call(p, user.access, "GET", "/ai/jobs?limit=1").json();
  EXPECT_EQ(mine.at("jobs").as_array().at(0).at("id").as_string(), id);
  EXPECT_EQ(call(p, user.access, "POST", "/ai/jobs/" + id + "/cancel").status, 409);
}

TEST(Ai, ReplicatePredictionsArePolledOrSettledByASignedWebhookAndCanBeCancelled) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(fake));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-replicate"));
  json::Value paint =
      json::object({{"model", "painter"}, {"input", json::object({{"prompt", "a lighthouse"}})}});
  auto made = call(p, user.access, "POST", "/ai/generate", paint.dump());
  ASSERT_EQ(made.status, 202) << made.body;
  json::Value job = awaitJob(p, user.access, made.json().at("job_id").as_string());
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << job.dump();
  EXPECT_NE(job.at("output").dump().find("cdn.example"), std::string::npos);
  EXPECT_NEAR(job.at("usage").at("cost").as_double(), 0.015, 1e-9);  // 1.5 s x 0.01
  EXPECT_EQ(fake.bodies("acme/painter").at(0).at("input").at("prompt").as_string(), "a lighthouse");

  // A prediction that only its webhook ends: a forged one is refused, a signed one settles it.
  json::Value wait = json::object({{"model", "waiter"}, {"input", json::object({})}});
  std::string id =
      call(p, user.access, "POST", "/ai/generate", wait.dump()).json().at("job_id").as_string();
  std::string prediction;
  ASSERT_TRUE(e2e::eventually([&] {
    prediction = sql("SELECT coalesce(prediction_id, '') FROM ai.jobs WHERE id = '" + id + "'");
    return !prediction.empty();
  }));
  std::string body =
      json::object({{"id", prediction}, {"status", "succeeded"}, {"output", "done by webhook"}})
          .dump();
  std::string now = std::to_string(std::time(nullptr));
  auto hook = [&](const std::string& signature) {
    return e2e::request(p.port(), "POST", "/ai/v1/replicate/webhook", body,
                        {{"Content-Type", "application/json"},
                         {"webhook-id", "msg_1"},
                         {"webhook-timestamp", now},
                         {"webhook-signature", signature}});
  };
  auto forged = hook("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  EXPECT_EQ(forged.status, 401) << forged.body;
  EXPECT_EQ(call(p, user.access, "GET", "/ai/jobs/" + id).json().at("status").as_string(),
            "running");
  auto genuine = hook(sign("msg_1", now, body));
  EXPECT_EQ(genuine.status, 200) << genuine.body;
  job = awaitJob(p, user.access, id);
  EXPECT_EQ(job.at("status").as_string(), "succeeded");
  EXPECT_EQ(job.at("output").as_string(), "done by webhook");

  // Cancelled while Replicate is still at work: the job says so and the prediction is cancelled.
  id = call(p, user.access, "POST", "/ai/generate", wait.dump()).json().at("job_id").as_string();
  ASSERT_TRUE(e2e::eventually([&] {
    return sql("SELECT prediction_id IS NOT NULL FROM ai.jobs WHERE id = '" + id + "'") == "t";
  }));
  auto cancelled = call(p, user.access, "POST", "/ai/jobs/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("status").as_string(), "canceled");
  EXPECT_TRUE(e2e::eventually([&] { return fake.cancelled().size() == 1; }));
}

TEST(Ai, AJobWhoseHostIsKilledMidCallFinishesElsewhereAndIsChargedOnce) {
  e2e::FakeProvider fake;
  std::map<std::string, std::string> quick{{"jobs.visibility_timeout_ms", "2000"}};
  auto first = std::make_unique<Porticod>(aiHost(fake, quick));
  auto user = e2e::signUp(*first, e2e::uniqueEmail("ai-kill"));
  auto made = call(*first, user.access, "POST", "/ai/generate", ask("late", "survive").dump());
  ASSERT_EQ(made.status, 202) << made.body;
  std::string id = made.json().at("job_id").as_string();
  ASSERT_TRUE(e2e::eventually([&] { return fake.calls("m-late") == 1; }));
  ::kill(first->pid(), SIGKILL);
  first->waitExit(5000);
  Porticod second(aiHost(fake, quick));
  json::Value job = awaitJob(second, user.access, id);
  ASSERT_EQ(job.at("status").as_string(), "succeeded") << job.dump();
  EXPECT_EQ(fake.calls("m-late"), 2);
  EXPECT_EQ(sql("SELECT count(*) FROM ai.usage WHERE job_id = '" + id + "'"), "1");
}

// The official openai SDK, the 5.x line and the current one, as the client: each check of the
// gateway's promises as the SDK reports it (tests/e2e/openai/sdk-probe.js).
class AiSdk : public ::testing::TestWithParam<const char*> {};

TEST_P(AiSdk, TheGatewayKeepsItsPromisesToTheOfficialClient) {
  e2e::FakeProvider fake;
  Porticod p(aiHost(
      fake, {{"plugin.ai.models",
              "ok, flaky, good, cheap, secret, nousage, gated, slow, late, r429, r401, r400, r500, "
              "local, ghost, premium, painter, waiter"},
             // flaky fails (500) and falls back to good on the same provider.
             {"plugin.ai.model.flaky.provider", "main"},
             {"plugin.ai.model.flaky.name", "m-500"},
             {"plugin.ai.model.flaky.fallbacks", "good"},
             {"plugin.ai.model.good.provider", "main"},
             {"plugin.ai.model.good.name", "m-ok"},
             // cheap fails and falls back to secret, which needs a scope the caller lacks.
             {"plugin.ai.model.cheap.provider", "flaky"},
             {"plugin.ai.model.cheap.name", "m-500"},
             {"plugin.ai.model.cheap.fallbacks", "secret"},
             {"plugin.ai.model.secret.provider", "main"},
             {"plugin.ai.model.secret.name", "m-ok"},
             {"plugin.ai.model.secret.scope", "ai:secret"},
             {"plugin.ai.user.tokens_per_day", "200"},
             {"plugin.ai.user.requests_per_minute", "1000"}}));
  auto user = e2e::signUp(p, e2e::uniqueEmail("ai-sdk"));
  auto budgeted = e2e::signUp(p, e2e::uniqueEmail("ai-sdk-budget"));
  json::Value args =
      json::object({{"sdk", GetParam()},
                    {"baseURL", "http://127.0.0.1:" + std::to_string(p.port()) + "/ai/v1"},
                    {"token", user.access},
                    {"budgetToken", budgeted.access}});
  std::string argsFile = p.dir() + "/sdk-args.json";
  std::ofstream(argsFile) << args.dump();
  auto [code, out] =
      e2e::runCommand("node " OPENAI_SCRIPTS "/sdk-probe.js \"$(cat " + argsFile + ")\" 2>&1");
  ASSERT_EQ(code, 0) << "packaging/dev installs tests/e2e/openai/node_modules: " << out;
  json::Value r = json::parse(out);

  // (e) The failure rested flaky on its provider, not the provider.
  EXPECT_EQ(r.at("flaky").at("status").as_int(), 200) << r.at("flaky").dump();
  EXPECT_EQ(r.at("flaky").at("model").as_string(), "good");
  EXPECT_EQ(r.at("sameProvider").at("status").as_int(), 200) << r.at("sameProvider").dump();
  // (a) secret was never reached for a caller without its scope.
  EXPECT_EQ(r.at("cheap").at("status").as_int(), 502) << r.at("cheap").dump();
  EXPECT_NE(r.at("cheap").at("message").as_string().find("secret: needs scope ai:secret"),
            std::string::npos)
      << r.at("cheap").dump();
  EXPECT_EQ(r.at("secret").at("status").as_int(), 403);
  EXPECT_EQ(r.at("secret").at("name").as_string(), "PermissionDeniedError");
  // (c) The SDK shows what was wrong, not "400 status code (no body)".
  EXPECT_EQ(r.at("unknown").at("name").as_string(), "BadRequestError");
  EXPECT_NE(r.at("unknown").at("message").as_string().find("unknown model 'gpt-17'"),
            std::string::npos)
      << r.at("unknown").dump();
  EXPECT_EQ(r.at("unknown").at("type").as_string(), "invalid_request_error");
  EXPECT_EQ(r.at("badKey").at("name").as_string(), "AuthenticationError");
  EXPECT_EQ(r.at("badKey").at("message").as_string().find("no body"), std::string::npos)
      << r.at("badKey").dump();
  EXPECT_NE(r.at("badParameter").at("message").as_string().find("temperature"), std::string::npos)
      << r.at("badParameter").dump();
  // (d) The usage chunk only when asked for.
  EXPECT_EQ(r.at("streamPlain").at("withUsage").as_int(), 0) << r.at("streamPlain").dump();
  EXPECT_NE(r.at("streamPlain").at("text").as_string().find("answer to: hi"), std::string::npos);
  EXPECT_EQ(r.at("streamUsage").at("withUsage").as_int(), 1) << r.at("streamUsage").dump();
  EXPECT_EQ(r.at("streamUsage").at("last").at("usage").at("prompt_tokens").as_int(), 12);
  // (b) 50 calls at once spent no more than the day's 200 tokens: each reserved its most first.
  const json::Value& budget = r.at("budget");
  EXPECT_EQ(budget.at("other").as_array().size(), 0u) << budget.dump();
  EXPECT_GE(budget.at("ok").as_int(), 5) << budget.dump();
  EXPECT_GE(budget.at("limited").as_int(), 1) << budget.dump();
  EXPECT_LE(budget.at("ok").as_int() * 17, 200) << budget.dump();
  EXPECT_TRUE(e2e::eventually([&] {
    return sql("SELECT count(*) FROM ai.usage WHERE subject = '" + budgeted.userId + "'") ==
           std::to_string(budget.at("ok").as_int());
  }));
  std::string spent =
      sql("SELECT sum(input_tokens + output_tokens) FROM ai.usage WHERE "
          "subject = '" +
          budgeted.userId + "'");
  EXPECT_LE(std::stoi(spent), 200) << spent;
}

INSTANTIATE_TEST_SUITE_P(Sdk, AiSdk, ::testing::Values("openai5", "openai"),
                         [](const auto& sdk) { return std::string(sdk.param); });
