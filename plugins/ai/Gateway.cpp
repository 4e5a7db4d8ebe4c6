// SPDX-License-Identifier: Apache-2.0
#include "Gateway.h"

#include <algorithm>

#include "RandomHex.h"

namespace ai_plugin {

namespace json = portico::json;
using portico::HttpError;
using portico::OutboundError;
using Clock = std::chrono::steady_clock;

void Cooldowns::failed(const std::string& key, std::chrono::milliseconds asked) {
  std::lock_guard<std::mutex> lock(mutex_);
  until_[key] = Clock::now() + std::max(period_, asked);
}

std::chrono::milliseconds Cooldowns::remaining(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = until_.find(key);
  if (it == until_.end()) return std::chrono::milliseconds(0);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

std::string upstreamMessage(std::string_view body) {
  std::string text(body.substr(0, 4096));
  try {
    json::Value v = json::parse(body);
    if (const json::Value* e = v.find("error")) {
      if (e->is_string()) text = e->as_string();
      if (const json::Value* m = e->find("message"); m && m->is_string()) text = m->as_string();
    } else if (const json::Value* d = v.find("detail"); d && d->is_string()) {
      text = d->as_string();  // Replicate's problem documents
    }
  } catch (const json::ParseError&) {
  }
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text.empty() ? "(no message)" : text;
}

namespace {

bool retryable(int status) {
  return status == 408 || status == 429 || status >= 500;
}

// Whether bytes begin an event stream (a field name or a comment): an error body does not.
bool looksLikeEvents(std::string_view head) {
  size_t i = head.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  head.remove_prefix(i);
  for (std::string_view field : {"data:", "event:", "id:", "retry:", ":"}) {
    if (head.substr(0, field.size()) == field) return true;
  }
  return false;
}

}  // namespace

// What the chain has met so far, for the error that ends it.
struct Gateway::Failures {
  std::vector<std::string> lines;
  bool anyCalled = false;   // a provider was called (not all skipped)
  bool anyAllowed = false;  // some model of the chain is the caller's to use
  std::chrono::milliseconds soonest{0};

  void add(const Model& m, const std::string& why) { lines.push_back(m.alias + ": " + why); }
  std::string joined() const {
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
    return out;
  }
  [[noreturn]] void fail(const Model& first) const {
    if (!anyAllowed) throw HttpError(403, "this caller may use no model of " + first.alias);
    if (anyCalled) throw HttpError(502, "no model answered for " + first.alias + ": " + joined());
    std::vector<std::pair<std::string, std::string>> headers;
    if (soonest.count() > 0) {
      headers.emplace_back("Retry-After", std::to_string((soonest.count() + 999) / 1000));
    }
    throw HttpError(503, "no provider can serve " + first.alias + " now: " + joined(), headers);
  }
};

namespace {

// Why model cannot be called now, or empty.
std::string skipReason(const Registry& registry, const Cooldowns& cooldowns, const Model& m,
                       Gateway::Failures* failures) {
  const Provider& p = registry.providerOf(m);
  if (p.kind != ProviderKind::OpenAi) return "runs on Replicate, which has no chat completions";
  if (!p.configured()) {
    return "provider " + p.name + " is unconfigured (" + p.keyEnv + " is not set)";
  }
  for (const std::string& key : {p.name, Cooldowns::keyOf(p, m)}) {
    auto rest = cooldowns.remaining(key);
    if (rest.count() == 0) continue;
    if (failures->soonest.count() == 0 || rest < failures->soonest) failures->soonest = rest;
    return (key == p.name ? "provider " : "") + key + " is cooling down for " +
           std::to_string(rest.count()) + " ms after failing";
  }
  return "";
}

// Judges a provider's non-2xx answer: noted (the provider cooling down) so that the next model
// is tried, or thrown back when the request itself was refused.
void noteFailure(const Model& m, const Provider& p, int status, std::string_view body,
                 std::optional<std::string_view> retryAfter, Cooldowns& cooldowns,
                 Gateway::Failures* failures) {
  std::string said = upstreamMessage(body);
  if (retryable(status) || status == 401 || status == 403) {
    std::chrono::milliseconds asked{0};
    if (retryAfter) {
      try {
        asked =
            std::chrono::seconds(std::min<long long>(std::stoll(std::string(*retryAfter)), 3600));
      } catch (const std::exception&) {
      }
    }
    // A refused key is the provider's; anything else this model's on it.
    bool keyRefused = status == 401 || status == 403;
    cooldowns.failed(keyRefused ? p.name : Cooldowns::keyOf(p, m), asked);
    failures->add(
        m, (status == 401 || status == 403 ? "provider " + p.name + " refused the gateway's key: "
                                           : "") +
               std::to_string(status) + " " + said);
    return;
  }
  int answer = (status == 400 || status == 413 || status == 422) ? status : 502;
  throw HttpError(answer, "provider " + p.name + " refused the request for " + m.alias + " (" +
                              std::to_string(status) + "): " + said);
}

}  // namespace

portico::HttpRequest Gateway::upstreamRequest(const ChatRequest& request,
                                              const Model& model) const {
  const Provider& p = registry_.providerOf(model);
  portico::HttpRequest r;
  r.method = "POST";
  r.url = p.baseUrl + "/chat/completions";
  // The same for every attempt the host's client makes of this call: with it the client may
  // retry a POST.
  r.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", randomHex(32)}};
  if (!p.key.empty()) r.headers.emplace_back("Authorization", "Bearer " + p.key);
  r.body = upstreamBody(request, model);
  r.max_attempts = options_.attempts;
  r.timeout_ms = request.stream ? options_.streamTimeoutMs : options_.timeoutMs;
  return r;
}

template <typename Attempt>
void Gateway::walk(const ChatRequest& request, const Model& first,
                   const std::function<bool()>& cancelled, Attempt&& attempt) const {
  Failures failures;
  for (const Model* m : registry_.chain(first)) {
    if (!m->allows(request.callerScopes)) {
      failures.add(*m, "needs scope " + m->scope);
      continue;
    }
    failures.anyAllowed = true;
    if (std::string why = skipReason(registry_, cooldowns_, *m, &failures); !why.empty()) {
      failures.add(*m, why);
      continue;
    }
    const Provider& p = registry_.providerOf(*m);
    portico::HttpRequest call = upstreamRequest(request, *m);
    call.cancelled = cancelled;
    failures.anyCalled = true;
    if (m != &first) host_.count("fallback");
    try {
      if (attempt(*m, p, call, failures)) return;
    } catch (const OutboundError& e) {
      if (e.code() == PORTICO_ERR_CANCELED) throw;
      // Too slow is the model's failing; unreachable (or its circuit open) the provider's.
      if (e.code() == PORTICO_ERR_TIMEOUT) {
        cooldowns_.failed(Cooldowns::keyOf(p, *m));
      } else if (e.code() != PORTICO_ERR_DENIED) {
        cooldowns_.failed(p.name);
      }
      failures.add(*m, e.code() == PORTICO_ERR_DENIED
                           ? "provider " + p.name + " is not in plugin.ai.outbound.allow"
                           : std::string(e.what()));
    }
  }
  failures.fail(first);
}

Completion Gateway::complete(const portico::Scope& scope, const ChatRequest& request,
                             const Model& first, const std::function<bool()>& cancelled) const {
  Completion c;
  walk(
      request, first, cancelled,
      [&](const Model& m, const Provider& p, const portico::HttpRequest& call, Failures& failures) {
        portico::HttpResponse answer = portico::Http(scope).fetch(call);
        int status = answer.status();
        if (status < 200 || status > 299) {
          noteFailure(m, p, status, answer.body(), answer.header("Retry-After"), cooldowns_,
                      &failures);
          return false;
        }
        try {
          c.body = answer.json();
        } catch (const json::ParseError&) {
          cooldowns_.failed(Cooldowns::keyOf(p, m));
          failures.add(m, "the provider's answer is not JSON");
          return false;
        }
        c.model = &m;
        c.body.set("model", m.alias);
        const json::Value* u = c.body.find("usage");
        const json::Value* in = u ? u->find("prompt_tokens") : nullptr;
        const json::Value* out = u ? u->find("completion_tokens") : nullptr;
        if (in && out && in->is_int() && out->is_int()) {
          c.usage = {in->as_int(), out->as_int(), false};
        } else {
          c.usage = {estimateTokens(request.promptBytes), estimateTokens(answer.body().size()),
                     true};
        }
        return true;
      });
  return c;
}

Gateway::Streamed Gateway::stream(const portico::Scope& scope, const ChatRequest& request,
                                  const Model& first,
                                  const std::function<void(const Model&)>& onStart,
                                  const StreamedReply::OnEvent& onEvent,
                                  const std::function<bool()>& cancelled) const {
  Streamed out;
  walk(
      request, first, cancelled,
      [&](const Model& m, const Provider& p, const portico::HttpRequest& call, Failures& failures) {
        out = Streamed{};
        bool started = false;
        std::string head;  // what came before the answer showed itself: events or an error
        auto onChunk = [&](std::string_view chunk) {
          if (started) return out.reply.feed(chunk, onEvent);
          if (head.size() < 65536) head.append(chunk);
          if (!looksLikeEvents(head)) return;
          started = true;
          out.model = &m;
          onStart(m);
          out.reply.feed(head, onEvent);
        };
        try {
          portico::HttpResponse answer = portico::Http(scope).stream(call, onChunk);
          int status = answer.status();
          if (started) return true;
          if (status >= 200 && status <= 299) {
            cooldowns_.failed(Cooldowns::keyOf(p, m));
            failures.add(m, "the provider answered " + std::to_string(status) + " without events");
            return false;
          }
          noteFailure(m, p, status, head, answer.header("Retry-After"), cooldowns_, &failures);
          return false;
        } catch (const OutboundError& e) {
          if (!started) throw;
          out.broken = true;
          out.cancelled = e.code() == PORTICO_ERR_CANCELED;
          return true;
        }
      });
  return out;
}

}  // namespace ai_plugin
