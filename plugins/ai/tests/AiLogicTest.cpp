// SPDX-License-Identifier: Apache-2.0
// The ai plugin's logic without a host: request checks, the cache key, the event-stream reader,
// webhook signatures, the registry and cooldowns.
#include <gtest/gtest.h>

#include <thread>

#include "ChatRequest.h"
#include "Gateway.h"
#include "Registry.h"
#include "Replicate.h"
#include "StreamedReply.h"

using namespace ai_plugin;
namespace json = portico::json;

namespace {

portico::Input input(const std::string& text) {
  return portico::Input(json::parse(text));
}

// The status and message of the HttpError parsing text throws.
std::pair<int, std::string> refusal(const std::string& text, size_t maxPrompt = 1000) {
  try {
    parseChat(input(text), maxPrompt);
  } catch (const portico::HttpError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

}  // namespace

TEST(AiChatRequest, WrongShapesAre400NamingTheField) {
  EXPECT_EQ(refusal(R"({"messages":[{"role":"user","content":"hi"}]})").second,
            "field 'model' is required");
  auto badRole = refusal(R"({"model":"m","messages":[{"role":"king","content":"hi"}]})");
  EXPECT_EQ(badRole.first, 400);
  EXPECT_NE(badRole.second.find("messages[0].role"), std::string::npos) << badRole.second;
  auto badTemp =
      refusal(R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":"hot"})");
  EXPECT_NE(badTemp.second.find("temperature"), std::string::npos) << badTemp.second;
  auto unknown =
      refusal(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tmperature":1})");
  EXPECT_NE(unknown.second.find("tmperature"), std::string::npos) << unknown.second;
  EXPECT_EQ(refusal(R"({"model":"m","messages":[]})").first, 400);
  EXPECT_EQ(refusal(R"({"model":"m","messages":[{"role":"user"}]})").second,
            "field 'messages[0].content' is required");
}

TEST(AiChatRequest, ALongPromptIs413) {
  std::string text(2000, 'a');
  auto r =
      refusal(R"({"model":"m","messages":[{"role":"user","content":")" + text + R"("}]})", 1000);
  EXPECT_EQ(r.first, 413);
}

TEST(AiChatRequest, TheCacheKeyIgnoresTheCallerAndStreamingButNotTheQuestion) {
  auto key = [](const std::string& extra, const std::string& content = "hi") {
    return cacheKey(parseChat(input(R"({"model":"m","messages":[{"role":"user","content":")" +
                                    content + R"("}])" + extra + "}"),
                              1000));
  };
  EXPECT_EQ(key(""), key(R"(,"user":"alice")"));
  EXPECT_EQ(key(""), key(R"(,"stream":true)"));
  EXPECT_NE(key(""), key("", "hello"));
  EXPECT_NE(key(""), key(R"(,"temperature":0.5)"));
  EXPECT_EQ(key("").size(), 64u);
}

TEST(AiChatRequest, StreamedCallsAlwaysAskUpstreamForUsage) {
  Model m;
  m.upstreamName = "up-model";
  m.maxTokens = 100;
  auto body = json::parse(
      upstreamBody(parseChat(input(R"({"model":"m","messages":[{"role":"user","content":"hi"}],)"
                                   R"("stream":true,"max_tokens":500,"user":"alice"})"),
                             1000),
                   m));
  EXPECT_EQ(body.at("model").as_string(), "up-model");
  EXPECT_TRUE(body.at("stream_options").at("include_usage").as_bool());
  EXPECT_EQ(body.at("max_tokens").as_int(), 100);  // capped at the model's ceiling
  EXPECT_EQ(body.find("user"), nullptr);
}

TEST(AiStreamedReply, EventsAreWholeWhateverTheChunkingAndUsageIsKept) {
  std::string wire =
      "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n"
      ": keep-alive\r\n\r\n"
      "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n"
      "data: [DONE]\n\n";
  for (size_t step : {1u, 3u, 17u, 1000u}) {
    StreamedReply reply;
    std::string forwarded;
    std::string unasked;
    for (size_t i = 0; i < wire.size(); i += step) {
      reply.feed(wire.substr(i, step), [&](std::string_view event, std::string_view without) {
        forwarded.append(event);
        unasked.append(without);
      });
    }
    EXPECT_EQ(forwarded, wire) << step;
    EXPECT_EQ(unasked.find("usage"), std::string::npos) << unasked;
    EXPECT_NE(unasked.find("data: [DONE]"), std::string::npos);
    EXPECT_EQ(reply.content(), "Hello");
    EXPECT_EQ(reply.finishReason(), "stop");
    ASSERT_TRUE(reply.usage().has_value());
    EXPECT_EQ(reply.usage()->inputTokens, 7);
    EXPECT_EQ(reply.usage()->outputTokens, 2);
    EXPECT_TRUE(reply.done());
    EXPECT_EQ(reply.events(), 5u);
  }
}

TEST(AiStreamedReply, AReplayReadsBackAsTheSameReply) {
  std::string wire =
      replayEvents("chatcmpl-1", "m", 1, "line one\nline two", "length", Usage{3, 4, false}, true);
  StreamedReply reply;
  reply.feed(wire, [](std::string_view, std::string_view) {});
  EXPECT_EQ(reply.content(), "line one\nline two");
  EXPECT_EQ(reply.finishReason(), "length");
  ASSERT_TRUE(reply.usage().has_value());
  EXPECT_EQ(reply.usage()->outputTokens, 4);
  EXPECT_TRUE(reply.done());
  StreamedReply without;
  without.feed(replayEvents("c", "m", 1, "x", "stop", Usage{3, 4, false}, false),
               [](std::string_view, std::string_view) {});
  EXPECT_FALSE(without.usage().has_value());
}

TEST(AiStreamedReply, UsageInsideTheLastChoiceChunkIsTakenAndLeftOutForThoseWhoDidNotAsk) {
  // Some OpenAI-compatible servers put the usage on the finishing chunk, or send "usage": null
  // on every chunk; neither may reach a client that did not ask.
  std::string wire =
      "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n"
      "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}],"
      "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}\n\n"
      "data: [DONE]\n\n";
  StreamedReply reply;
  std::string unasked;
  reply.feed(wire, [&](std::string_view, std::string_view without) { unasked.append(without); });
  ASSERT_TRUE(reply.usage().has_value());
  EXPECT_EQ(reply.usage()->inputTokens, 5);
  EXPECT_EQ(reply.content(), "hi");
  EXPECT_EQ(reply.finishReason(), "stop");
  EXPECT_EQ(unasked.find("usage"), std::string::npos) << unasked;
  EXPECT_NE(unasked.find("\"finish_reason\":\"stop\""), std::string::npos) << unasked;
}

TEST(AiWebhook, TheStandardWebhooksVectorVerifiesAndATamperedOneDoesNot) {
  // The example of the Standard Webhooks specification, which Replicate follows.
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const std::string body = R"({"test": 2432232314})";
  const std::string sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
  std::string why;
  EXPECT_TRUE(
      verifyWebhook(secret, id, "1614265330", body, "v1,bogus " + sig, 1614265330 + 10, 300, &why))
      << why;
  EXPECT_FALSE(verifyWebhook(secret, id, "1614265330", body + " ", sig, 1614265330, 300, &why));
  EXPECT_EQ(why, "no signature matches");
  EXPECT_FALSE(verifyWebhook(secret, id, "1614265330", body, sig, 1614265330 + 301, 300, &why));
  EXPECT_EQ(why, "webhook-timestamp is too far from now");
  EXPECT_FALSE(verifyWebhook(secret, id, "1614265330", body, "", 1614265330, 300, &why));
}

TEST(AiRegistry, ModelsProvidersKeysAndFallbacksComeFromConfig) {
  std::map<std::string, std::string> config{
      {"providers", "openai, local"},
      {"provider.openai.base_url", "https://api.example.com/v1/"},
      {"provider.openai.key_env", "TEST_OPENAI_KEY"},
      {"provider.local.base_url", "http://127.0.0.1:8080/v1"},
      {"models", "gpt, llama"},
      {"model.gpt.provider", "openai"},
      {"model.gpt.name", "gpt-4o-mini"},
      {"model.gpt.price_in_per_1k", "0.5"},
      {"model.gpt.price_out_per_1k", "1.5"},
      {"model.gpt.fallbacks", "llama"},
      {"model.llama.provider", "local"}};
  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = config.find(k);
    return it == config.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto noEnv = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  Registry r = Registry::load(lookup, noEnv);
  const Model* gpt = r.model("gpt");
  ASSERT_NE(gpt, nullptr);
  EXPECT_EQ(gpt->upstreamName, "gpt-4o-mini");
  EXPECT_DOUBLE_EQ(gpt->cost(1000, 2000), 3.5);
  EXPECT_EQ(r.providerOf(*gpt).baseUrl, "https://api.example.com/v1");
  EXPECT_FALSE(r.providerOf(*gpt).configured());              // its key variable is not set
  EXPECT_TRUE(r.providerOf(*r.model("llama")).configured());  // needs no key
  EXPECT_EQ(r.unconfigured(*gpt), "");                        // its fallback can serve
  EXPECT_EQ(r.unconfigured(*r.model("llama")), "");
  ASSERT_EQ(r.chain(*gpt).size(), 2u);
  EXPECT_EQ(r.chain(*gpt)[1]->alias, "llama");
  auto withKey = [](const std::string& name) -> std::optional<std::string> {
    return name == "TEST_OPENAI_KEY" ? std::optional<std::string>("sk-test") : std::nullopt;
  };
  EXPECT_TRUE(Registry::load(lookup, withKey).providerOf(*gpt).configured());
  config["model.gpt.fallbacks"] = "";
  Registry alone = Registry::load(lookup, noEnv);
  EXPECT_EQ(alone.unconfigured(*alone.model("gpt")),
            "provider openai is unconfigured (TEST_OPENAI_KEY is not set)");

  config["model.gpt.fallbacks"] = "nothing";
  try {
    Registry::load(lookup, noEnv);
    FAIL() << "a fallback naming no model was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("model.gpt.fallbacks"), std::string::npos);
  }
}

TEST(AiCooldowns, AFailedProviderRestsForThePeriodOrWhatItAskedIfLonger) {
  Cooldowns c(std::chrono::milliseconds(50));
  EXPECT_EQ(c.remaining("p").count(), 0);
  c.failed("p");
  EXPECT_GT(c.remaining("p").count(), 0);
  EXPECT_LE(c.remaining("p").count(), 50);
  c.failed("q", std::chrono::seconds(5));
  EXPECT_GT(c.remaining("q").count(), 4000);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(c.remaining("p").count(), 0);
}
