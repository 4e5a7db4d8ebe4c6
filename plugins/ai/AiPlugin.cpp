// SPDX-License-Identifier: Apache-2.0
// ai: an OpenAI-compatible gateway with background jobs, fallbacks, budgets and a cache.
// Routes (all but the webhook need a signed-in caller, a user or a service token):
//   GET  /ai/v1/models            the models this caller may use
//   POST /ai/v1/chat/completions  OpenAI's request and answer; "stream": true answers
//                                 server-sent events as the provider sends them (StreamRelay.h)
//   POST /ai/generate             202 {job_id}: the work runs on the host's job queue
//                                 (Idempotency-Key: the same job for the same key)
//   GET  /ai/jobs/{id}, GET /ai/jobs, POST /ai/jobs/{id}/cancel   the caller's own jobs
//   GET  /ai/v1/usage             the caller's usage and cost per model
//   GET  /ai/v1/usage/all         scope ai:admin: everyone's, grouped by user or model
//   POST /ai/v1/replicate/webhook Replicate's signed word that a prediction ended
// A job's end publishes AI_JOB_COMPLETED and tells its owner's push channel (user:<id>), so an
// open tab learns at once. Providers, models, limits and the cache are in README.md.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "Budgets.h"
#include "Caller.h"
#include "ChatRequest.h"
#include "Gateway.h"
#include "JobStore.h"
#include "PluginConfig.h"
#include "Registry.h"
#include "Replicate.h"
#include "ReplyCache.h"
#include "RowsJson.h"
#include "StreamRelay.h"
#include "WallClock.h"
#include "portico/sdk.hpp"

namespace ai_plugin {
namespace {

using portico::HttpError;
using portico::Request;
using portico::Response;
namespace json = portico::json;
using portico::common::configInt;
using portico::common::nowMs;
using portico::common::rowsArray;

constexpr const char* kCancelTopic = "ai.job.cancel";

std::optional<std::string> environment(const std::string& name) {
  const char* v = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read at init
  return v == nullptr ? std::nullopt : std::optional<std::string>(v);
}

// What the caller asked of the cache: Cache-Control no-cache asks for a fresh answer (stored),
// no-store for one that is neither looked up nor stored.
enum class CacheUse { Normal, Refresh, Bypass };

CacheUse cacheUse(const Request& req) {
  std::string_view control = req.header("Cache-Control").value_or("");
  if (control.find("no-store") != std::string_view::npos) return CacheUse::Bypass;
  if (control.find("no-cache") != std::string_view::npos) return CacheUse::Refresh;
  return CacheUse::Normal;
}

}  // namespace

class AiPlugin : public portico::Plugin {
 public:
  explicit AiPlugin(portico::Host& host)
      : host_(host),
        registry_(
            Registry::load([&](const std::string& key) { return host.config(key); }, &environment)),
        cooldowns_(std::chrono::milliseconds(configInt(host, "cooldown_ms", 30000, 0, 3600000))),
        gateway_(registry_, cooldowns_, host_,
                 GatewayOptions{static_cast<uint32_t>(configInt(host, "attempts", 2, 1, 10)),
                                static_cast<uint32_t>(configInt(host, "timeout_ms", 0, 0, 3600000)),
                                static_cast<uint32_t>(
                                    configInt(host, "stream_timeout_ms", 300000, 1000, 3600000))}),
        budgets_(Limits{configInt(host, "user.requests_per_minute", 60, 0, 1000000),
                        configInt(host, "user.tokens_per_day", 200000, 0, 1LL << 40)},
                 Limits{configInt(host, "service.requests_per_minute", 600, 0, 1000000),
                        configInt(host, "service.tokens_per_day", 0, 0, 1LL << 40)}),
        cache_(configInt(host, "cache.ttl_s", 3600, 0, 30 * 86400LL)),
        maxPromptBytes_(
            static_cast<size_t>(configInt(host, "max_prompt_bytes", 200000, 1, 64 << 20))),
        jobAttempts_(static_cast<uint32_t>(configInt(host, "job.max_attempts", 3, 1, 20))),
        jobQueue_(host.config_or("job.queue", "ai.generate")),
        webhookUrl_(host.config_or("replicate.webhook_url", "")),
        webhookSecret_(
            environment(host.config_or("replicate.webhook_secret_env", "REPLICATE_WEBHOOK_SECRET"))
                .value_or("")),
        pollMs_(configInt(host, "replicate.poll_ms", 1000, 10, 60000)),
        maxWaitMs_(configInt(host, "replicate.max_wait_ms", 25000, 100, 3600000)),
        relay_(gateway_, host_, static_cast<size_t>(configInt(host, "max_streams", 256, 1, 10000)),
               std::chrono::milliseconds(
                   configInt(host, "first_event_timeout_ms", 60000, 100, 600000))) {
    for (const auto& [name, provider] : registry_.providers()) {
      host.component_state("provider." + name, provider.configured() ? "ok" : "unconfigured");
    }
    portico::RouteOptions signedIn{PORTICO_AUTH_REQUIRED, "", 0};
    portico::RouteOptions prompt{PORTICO_AUTH_REQUIRED, "",
                                 static_cast<uint64_t>(maxPromptBytes_) * 2 + 65536};
    host.route("GET", "/ai/v1/models", portico::handler(this, &AiPlugin::models), signedIn);
    host.route("POST", "/ai/v1/chat/completions", portico::handler(this, &AiPlugin::chat), prompt);
    host.route("POST", "/ai/generate", portico::handler(this, &AiPlugin::generate), prompt);
    host.route("GET", "/ai/jobs/{id}", portico::handler(this, &AiPlugin::job), signedIn);
    host.route("GET", "/ai/jobs", portico::handler(this, &AiPlugin::jobs), signedIn);
    host.route("POST", "/ai/jobs/{id}/cancel", portico::handler(this, &AiPlugin::cancel), signedIn);
    host.route("GET", "/ai/v1/usage", portico::handler(this, &AiPlugin::usage), signedIn);
    host.route("GET", "/ai/v1/usage/all", portico::handler(this, &AiPlugin::usageAll),
               {PORTICO_AUTH_REQUIRED, "ai:admin", 0});
    host.route("POST", "/ai/v1/replicate/webhook", portico::handler(this, &AiPlugin::webhook),
               {PORTICO_AUTH_PUBLIC, "", 4 << 20});
    host.handle_jobs(jobQueue_, [this](const portico::Job& j) { runJob(j); });
    host.subscribe(kCancelTopic, [this](const portico::Event& e) {
      if (const json::Value* id = e.payload.find("job_id"); id && id->is_string()) {
        flagCancelled(id->as_string());
      }
    });
  }

 private:
  // ---- Models ----

  static bool mayUse(const portico::Principal& who, const Model& m) { return m.allows(who.scopes); }

  // The model a caller asked for: 403 when its scope is missing, 400 naming the models the
  // caller may use when there is no such model.
  const Model& modelFor(const portico::Principal& who, const std::string& alias) const {
    const Model* m = registry_.model(alias);
    if (m != nullptr && mayUse(who, *m)) return *m;
    if (m != nullptr) throw HttpError(403, "model '" + alias + "' needs scope " + m->scope);
    std::string allowed;
    for (const Model& each : registry_.models()) {
      if (mayUse(who, each)) allowed += (allowed.empty() ? "" : ", ") + each.alias;
    }
    throw HttpError(400, "unknown model '" + alias +
                             "'; this caller may use: " + (allowed.empty() ? "none" : allowed));
  }

  // The most a call may spend: its prompt (estimated) and the largest max_tokens a model of its
  // chain that the caller may use would be sent.
  int64_t mayCost(const ChatRequest& chat, const Model& first) const {
    int64_t most = 0;
    for (const Model* m : registry_.chain(first)) {
      if (!m->allows(chat.callerScopes)) continue;
      most = std::max(most,
                      chat.maxTokens > 0 ? std::min(chat.maxTokens, m->maxTokens) : m->maxTokens);
    }
    return estimateTokens(chat.promptBytes) + most;
  }

  // Gives back a reservation whose call never happened or failed before it was charged.
  void refund(const portico::Scope& scope, const Budgets::Reservation& reserved) const {
    try {
      portico::Redis redis(scope);
      Budgets::settle(redis, reserved, 0);
    } catch (const std::exception& e) {
      host_.warn(std::string("ai: a token reservation was not given back: ") + e.what());
    }
  }

  void models(const Request& req, Response& res) {
    portico::Principal who = req.user();
    json::Array data;
    for (const Model& m : registry_.models()) {
      if (!mayUse(who, m)) continue;
      const Provider& p = registry_.providerOf(m);
      data.push_back(
          json::object({{"id", m.alias},
                        {"object", "model"},
                        {"owned_by", p.name},
                        {"kind", p.kind == ProviderKind::OpenAi ? "chat" : "prediction"},
                        {"available", p.configured()},
                        {"max_tokens", m.maxTokens},
                        {"price_in_per_1k", m.pricePer1kIn},
                        {"price_out_per_1k", m.pricePer1kOut},
                        {"fallbacks", json::Array(m.fallbacks.begin(), m.fallbacks.end())}}));
    }
    res.json(json::object({{"object", "list"}, {"data", json::Value(std::move(data))}}));
  }

  // ---- Synchronous and streamed completions ----

  void chat(const Request& req, Response& res) {
    portico::Principal who = req.user();
    std::string subject(who.subject);
    ChatRequest chat = parseChat(req.json(), maxPromptBytes_);
    chat.callerScopes = std::string(who.scopes);
    const Model& model = modelFor(who, chat.model);
    if (registry_.providerOf(model).kind != ProviderKind::OpenAi) {
      throw HttpError(
          400, "model '" + model.alias + "' runs on Replicate: send it to POST /ai/generate");
    }
    CacheUse use = cacheUse(req);
    std::string key = cache_.enabled() && use != CacheUse::Bypass ? cacheKey(chat) : "";
    std::optional<CachedReply> hit;
    {
      portico::Redis redis(req);  // one lease for the budget and the cache
      budgets_.admit(redis, subject, nowMs());
      if (!key.empty() && use == CacheUse::Normal) hit = cache_.get(redis, key);
    }
    if (!key.empty() && use == CacheUse::Normal) {
      if (hit && (!chat.stream || hit->streamable())) {
        host_.count("cache_hit");
        return serveHit(req, res, subject, chat, *hit);
      }
      host_.count("cache_miss");
    }
    Budgets::Reservation reserved;
    {
      portico::Redis redis(req);
      reserved = budgets_.reserve(redis, subject, mayCost(chat, model), nowMs());
    }
    if (chat.stream) {
      // Cached before it is charged: once its usage is on record, the reply is in the cache.
      try {
        return relay_.relay(chat, model, res, [this, subject, key, reserved](const StreamEnd& end) {
          if (!key.empty() && end.complete && !end.content.empty()) {
            store(
                host_.scope(), key,
                {end.model->alias, json::object({{"role", "assistant"}, {"content", end.content}}),
                 end.finishReason.empty() ? "stop" : end.finishReason, end.usage});
          }
          charge(host_.scope(), subject, *end.model, end.usage, false, &reserved);
        });
      } catch (...) {
        refund(req.scope(), reserved);
        throw;
      }
    }
    Completion c;
    try {
      c = gateway_.complete(req.scope(), chat, model);
    } catch (...) {
      refund(req.scope(), reserved);
      throw;
    }
    charge(req.scope(), subject, *c.model, c.usage, false, &reserved);
    if (!key.empty()) {
      const json::Value* choices = c.body.find("choices");
      if (choices != nullptr && choices->is_array() && !choices->as_array().empty()) {
        const json::Value& first = choices->as_array().front();
        const json::Value* message = first.find("message");
        const json::Value* reason = first.find("finish_reason");
        if (message != nullptr && message->is_object()) {
          store(req.scope(), key,
                {c.model->alias, *message,
                 reason != nullptr && reason->is_string() ? reason->as_string() : "stop", c.usage});
        }
      }
    }
    res.header("X-AI-Model", c.model->alias);
    res.header("X-AI-Cache", key.empty() ? "bypass" : "miss");
    res.json(c.body);
  }

  void serveHit(const Request& req, Response& res, const std::string& subject,
                const ChatRequest& chat, const CachedReply& hit) {
    const Model* answered = registry_.model(hit.model);
    if (answered != nullptr) charge(req.scope(), subject, *answered, hit.usage, true);
    std::string id = newCompletionId();
    int64_t created = nowMs() / 1000;
    res.header("X-AI-Model", hit.model);
    res.header("X-AI-Cache", "hit");
    if (!chat.stream) return res.json(hit.completion(id, created));
    portico::Stream stream = res.event_stream();
    stream.write(replayEvents(id, hit.model, created, hit.content(), hit.finishReason, hit.usage,
                              chat.includeUsage));
    stream.close();
  }

  // Records what a reply used and counts it against the caller's day. A reply already
  // generated is not failed for its bookkeeping: a failure here is logged.
  // `reserved`: what the call set aside, which the usage now replaces.
  void charge(const portico::Scope& scope, const std::string& subject, const Model& model,
              const Usage& usage, bool cached,
              const Budgets::Reservation* reserved = nullptr) const {
    try {
      {
        portico::Db db(scope);
        JobStore::recordUsage(db, subject, model.alias, usage,
                              cached ? 0 : model.cost(usage.inputTokens, usage.outputTokens),
                              cached);
      }
      if (!cached) {
        portico::Redis redis(scope);
        if (reserved != nullptr) {
          Budgets::settle(redis, *reserved, usage.inputTokens + usage.outputTokens);
        } else {
          budgets_.charge(redis, subject, usage, nowMs());
        }
      }
    } catch (const std::exception& e) {
      host_.error(std::string("ai: usage of ") + subject + " on " + model.alias +
                  " not recorded: " + e.what());
    }
  }

  void store(const portico::Scope& scope, const std::string& key, const CachedReply& reply) const {
    try {
      portico::Redis redis(scope);
      cache_.put(redis, key, reply);
    } catch (const std::exception& e) {
      host_.warn(std::string("ai: reply not cached: ") + e.what());
    }
  }

  // ---- Background jobs ----

  void generate(const Request& req, Response& res) {
    portico::Principal who = req.user();
    std::string owner(who.subject);
    portico::Input body = req.json();
    const Model& model = modelFor(who, body.at("model").as_string(64));
    if (registry_.providerOf(model).kind == ProviderKind::OpenAi) {
      parseChat(body, maxPromptBytes_);
    } else {
      body.only({"model", "input"});
      if (!body.at("input").is_object()) throw HttpError(400, "field 'input' must be an object");
    }
    // A job no provider could ever run is refused now rather than failed later.
    if (std::string why = registry_.unconfigured(model); !why.empty()) {
      throw HttpError(503, "no provider can serve " + model.alias + ": " + why);
    }
    {
      portico::Redis redis(req);
      budgets_.admit(redis, owner, nowMs());
    }
    std::optional<std::string> idempotencyKey;
    if (auto k = req.header("Idempotency-Key")) {
      if (k->empty() || k->size() > 255) {
        throw HttpError(400, "Idempotency-Key must be 1 to 255 characters");
      }
      idempotencyKey = std::string(*k);
    }
    bool existing = false;
    std::string id;
    {
      portico::Db db(req);
      id = JobStore::create(db, owner, model.alias, body.value(), idempotencyKey, &existing);
    }
    if (!existing) {
      try {
        // The caller's scopes go along: the job's fallbacks are chosen when it runs.
        req.scope().enqueue(jobQueue_,
                            json::object({{"job_id", id}, {"scopes", std::string(who.scopes)}}),
                            portico::JobOptions{0, jobAttempts_, 1000});
      } catch (...) {
        portico::Db db(req);
        JobStore::remove(db, id);
        throw;
      }
    }
    res.header("Location", "/ai/jobs/" + id);
    res.json(json::object({{"job_id", id}, {"status_url", "/ai/jobs/" + id}}), 202);
  }

  void job(const Request& req, Response& res) {
    std::string id = jobId(req);
    portico::Db db(req);
    auto view = JobStore::find(db, id, std::string(req.user().subject));
    if (!view) throw HttpError(404, "no such job");
    res.json(*view);
  }

  void jobs(const Request& req, Response& res) {
    int64_t limit = req.query_int("limit", 1, 100).value_or(20);
    std::optional<std::string> before;
    if (auto b = req.query_param("before")) {
      if (!portico::common::isUuid(*b)) throw HttpError(400, "before must be a job id");
      before = std::string(*b);
    }
    portico::Db db(req);
    res.json(JobStore::list(db, std::string(req.user().subject), limit, before));
  }

  void cancel(const Request& req, Response& res) {
    std::string id = jobId(req);
    std::string owner(req.user().subject);
    portico::Db db(req);
    if (!JobStore::cancel(db, id, owner)) {
      auto view = JobStore::find(db, id, owner);
      if (!view) throw HttpError(404, "no such job");
      throw HttpError(409, "the job has already ended: " + view->at("status").as_string());
    }
    flagCancelled(id);
    req.scope().publish(kCancelTopic, json::object({{"job_id", id}}));
    res.json(*JobStore::find(db, id, owner));
  }

  static std::string jobId(const Request& req) {
    std::string id(*req.param("id"));
    if (!portico::common::isUuid(id)) throw HttpError(404, "no such job");
    return id;
  }

  // The flag a running job's calls read: set by a cancel on any host.
  std::shared_ptr<std::atomic<bool>> runningFlag(const std::string& id) {
    std::lock_guard<std::mutex> lock(runningMutex_);
    auto& flag = running_[id];
    if (!flag) flag = std::make_shared<std::atomic<bool>>(false);
    return flag;
  }
  void flagCancelled(const std::string& id) {
    std::lock_guard<std::mutex> lock(runningMutex_);
    auto it = running_.find(id);
    if (it != running_.end()) it->second->store(true);
  }
  void forget(const std::string& id) {
    std::lock_guard<std::mutex> lock(runningMutex_);
    running_.erase(id);
  }

  void runJob(const portico::Job& job) {
    std::string id = job.payload.at("job_id").as_string();
    std::optional<JobStart> start;
    {
      portico::Db db(job);
      start = JobStore::start(db, id);
    }
    if (!start) return;  // cancelled, or ended by a webhook
    const Model* model = registry_.model(start->model);
    if (model == nullptr) {
      return finishJob(job.scope(), id,
                       JobEnd::failure("model " + start->model + " is no longer offered"));
    }
    auto cancelled = runningFlag(id);
    try {
      if (registry_.providerOf(*model).kind == ProviderKind::Replicate) {
        runPrediction(job, id, *start, *model, *cancelled);
      } else {
        ChatRequest chat = parseChat(portico::Input(start->request), maxPromptBytes_);
        chat.stream = false;
        // A job enqueued without them (by an older version) falls back to unscoped models only.
        if (const json::Value* s = job.payload.find("scopes"); s != nullptr && s->is_string()) {
          chat.callerScopes = s->as_string();
        }
        Completion c =
            gateway_.complete(job.scope(), chat, *model, [cancelled] { return cancelled->load(); });
        finishJob(job.scope(), id,
                  JobEnd{"succeeded", c.body, "", c.model, c.usage,
                         c.model->cost(c.usage.inputTokens, c.usage.outputTokens)});
      }
    } catch (const portico::OutboundError& e) {
      forget(id);
      if (e.code() == PORTICO_ERR_CANCELED) return;
      if (job.attempt < jobAttempts_) throw;
      finishJob(job.scope(), id, JobEnd::failure(e.what()));
      return;
    } catch (const HttpError& e) {
      forget(id);
      if (e.status() >= 500 && job.attempt < jobAttempts_) throw;  // the queue tries again
      finishJob(job.scope(), id, JobEnd::failure(e.what()));
      return;
    } catch (const std::exception& e) {
      forget(id);
      if (job.attempt < jobAttempts_) throw;
      host_.error(std::string("ai: job ") + id + " failed: " + e.what());
      finishJob(job.scope(), id, JobEnd::failure("the job failed inside the gateway"));
      return;
    }
    forget(id);
  }

  void runPrediction(const portico::Job& job, const std::string& id, const JobStart& start,
                     const Model& model, const std::atomic<bool>& cancelled) {
    const Provider& provider = registry_.providerOf(model);
    if (!provider.configured()) {
      throw HttpError(503, "provider " + provider.name + " is unconfigured (" + provider.keyEnv +
                               " is not set)");
    }
    portico::Http http(job);
    std::string prediction = start.predictionId;
    if (prediction.empty()) {
      auto answer =
          http.fetch(createPrediction(provider, model, start.request.at("input"), webhookUrl_));
      if (answer.status() < 200 || answer.status() > 299) {
        int status = answer.status();
        throw HttpError(status == 429 || status >= 500 ? 502 : 400,
                        "Replicate refused the prediction (" + std::to_string(status) +
                            "): " + upstreamMessage(answer.body()));
      }
      Prediction p = parsePrediction(answer.json());
      prediction = p.id;
      {
        portico::Db db(job);
        JobStore::setPrediction(db, id, prediction);
      }
      if (p.finished()) return settle(job.scope(), id, model, p);
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(maxWaitMs_);
    while (std::chrono::steady_clock::now() < until) {
      for (int64_t waited = 0; waited < pollMs_ && !cancelled; waited += 20) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      std::string status;
      {
        portico::Db db(job);
        status = JobStore::statusOf(db, id);
      }
      if (status == "canceled") {
        http.fetch(cancelPrediction(provider, prediction));
        return;
      }
      if (status != "running") return;  // the webhook ended it
      auto answer = http.fetch(getPrediction(provider, prediction));
      if (answer.status() != 200) continue;
      Prediction p = parsePrediction(answer.json());
      if (p.finished()) return settle(job.scope(), id, model, p);
    }
    throw HttpError(504, "prediction " + prediction + " still running; polled again later");
  }

  void settle(const portico::Scope& scope, const std::string& id, const Model& model,
              const Prediction& p) {
    if (p.status == "succeeded") {
      finishJob(scope, id,
                JobEnd{"succeeded", p.output, "", &model, p.usage,
                       model.cost(p.usage.inputTokens, p.usage.outputTokens, p.seconds)});
    } else {
      finishJob(scope, id, JobEnd::failure(p.error.empty() ? "prediction " + p.status : p.error));
    }
  }

  void finishJob(const portico::Scope& scope, const std::string& id, const JobEnd& end) {
    std::optional<std::string> owner;
    {
      portico::Db db(scope);
      owner = JobStore::finish(db, id, end);
    }
    if (!owner) return;
    if (end.answeredBy != nullptr) {
      try {
        portico::Redis redis(scope);
        budgets_.charge(redis, *owner, end.usage, nowMs());
      } catch (const std::exception& e) {
        host_.warn(std::string("ai: job ") + id + " not counted in the daily budget: " + e.what());
      }
    }
    json::Value done = json::object({{"job_id", id},
                                     {"owner", *owner},
                                     {"status", end.status},
                                     {"model", end.answeredBy ? end.answeredBy->alias : ""}});
    try {
      scope.publish("AI_JOB_COMPLETED", done);
    } catch (const std::exception& e) {
      host_.warn(std::string("ai: AI_JOB_COMPLETED not published: ") + e.what());
    }
    if (portico::common::isUuid(*owner)) {
      try {
        host_.channel_publish(
            "user:" + *owner,
            json::object({{"type", "ai.job.completed"}, {"job_id", id}, {"status", end.status}})
                .dump());
      } catch (const std::exception& e) {
        host_.warn(std::string("ai: push of job ") + id + " not sent: " + e.what());
      }
    }
  }

  void webhook(const Request& req, Response& res) {
    if (webhookSecret_.empty()) throw HttpError(404, "webhooks are not configured");
    std::string why;
    if (!verifyWebhook(webhookSecret_, req.header("webhook-id").value_or(""),
                       req.header("webhook-timestamp").value_or(""), req.body(),
                       req.header("webhook-signature").value_or(""), nowMs() / 1000, 300, &why)) {
      throw HttpError(401, "webhook refused: " + why);
    }
    Prediction p;
    try {
      p = parsePrediction(json::parse(req.body()));
    } catch (const std::exception&) {
      throw HttpError(400, "the webhook's body is not a prediction");
    }
    std::optional<std::pair<std::string, std::string>> job;
    {
      portico::Db db(req);
      job = JobStore::jobOfPrediction(db, p.id);
    }
    const Model* model = job ? registry_.model(job->second) : nullptr;
    if (model == nullptr || !p.finished()) {
      return res.json(json::object({{"received", true}, {"settled", false}}));
    }
    settle(req.scope(), job->first, *model, p);
    res.json(json::object({{"received", true}, {"settled", true}}));
  }

  // ---- Usage ----

  void usage(const Request& req, Response& res) {
    int64_t days = req.query_int("days", 1, 366).value_or(30);
    std::string subject(req.user().subject);
    portico::Db db(req);
    auto rows = db.query(
        "SELECT model, count(*) AS requests, count(*) FILTER (WHERE cached) AS cached, "
        "sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens, "
        "sum(cost) AS cost FROM ai.usage WHERE subject = $1 "
        "AND created_at >= now() - make_interval(days => $2::int) GROUP BY model ORDER BY model",
        {subject, days});
    res.json(json::object({{"subject", subject}, {"days", days}, {"models", rowsArray(rows)}}));
  }

  void usageAll(const Request& req, Response& res) {
    std::string group(req.query_param("group").value_or("model"));
    if (group != "model" && group != "user") throw HttpError(400, "group must be user or model");
    int64_t days = req.query_int("days", 1, 366).value_or(30);
    std::string column = group == "user" ? "subject" : "model";
    portico::Db db(req);
    auto rows =
        db.query("SELECT " + column + " AS " + group +
                     ", count(*) AS requests, count(*) FILTER (WHERE cached) AS cached, "
                     "sum(input_tokens)::bigint AS input_tokens, "
                     "sum(output_tokens)::bigint AS output_tokens, sum(cost) AS cost FROM ai.usage "
                     "WHERE created_at >= now() - make_interval(days => $1::int) GROUP BY 1 "
                     "ORDER BY sum(cost) DESC, 1 LIMIT 1000",
                 {days});
    res.json(json::object({{"group", group}, {"days", days}, {"rows", rowsArray(rows)}}));
  }

  portico::Host& host_;
  const Registry registry_;
  Cooldowns cooldowns_;
  Gateway gateway_;
  Budgets budgets_;
  ReplyCache cache_;
  const size_t maxPromptBytes_;
  const uint32_t jobAttempts_;
  const std::string jobQueue_;  // hosts sharing a Redis but not a config use their own
  const std::string webhookUrl_;
  const std::string webhookSecret_;
  const int64_t pollMs_;
  const int64_t maxWaitMs_;
  std::mutex runningMutex_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
  // Last: its destructor joins threads that still charge and cache through the members above.
  StreamRelay relay_;
};

}  // namespace ai_plugin

PORTICO_PLUGIN(ai_plugin::AiPlugin, "ai", AI_VERSION)
