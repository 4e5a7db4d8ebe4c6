// SPDX-License-Identifier: Apache-2.0
#include "dispatch/Dispatch.h"

#include <utility>

#include "abi/AbiGlue.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "auth/Principal.h"
#include "common/TraceContext.h"
#include "dispatch/PluginCall.h"
#include "http/ErrorResponse.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "push/SessionStreams.h"

namespace portico::dispatch {

using abi::ps;
using lifecycle::RouteTable;

namespace {

// A signed-in caller's stream ends with the caller's session (push/SessionStreams.h).
void bindToSession(const RouteRequest& request, const http::Response& response,
                   push::SessionStreams* sessions) {
  const auth::Principal* who = request.principal;
  if (!response.stream || sessions == nullptr || who == nullptr || who->tokenId.empty()) return;
  const std::string* type = response.value("Content-Type");
  sessions->bind(response.stream, {who->subject, who->tokenId, who->issuedAtMs},
                 type != nullptr && http::isEventStream(*type));
}

}  // namespace

void callRoute(const RouteTable::Target<abi::RouteSpec>& route, const RouteRequest& request,
               http::Response& response, metrics::Metrics& metrics) {
  lifecycle::Generation& generation = *route.generation;
  const std::string& pattern = route.spec->path.pattern();
  portico_request preq;
  preq.method = request.http.method();
  preq.path = request.path;
  preq.query = request.query;
  preq.id = request.requestId;
  preq.body = request.body;
  preq.params = &request.params;
  preq.http = &request.http;
  preq.principal = request.principal;
  preq.trustedProxies = &request.trustedProxies;
  preq.bodySource = request.bodySource;
  preq.bodyLimit = route.spec->maxBodyBytes;
  portico_response pres;
  pres.maxBytes = request.maxResponseBytes;
  abi::StreamOrigin origin;
  origin.generation = route.generation;
  origin.context = &generation.context();
  origin.plugin = generation.name();
  origin.generationNumber = generation.number();
  origin.sha256 = generation.sha256();
  origin.route = pattern;
  origin.requestId = std::string(request.requestId);
  origin.websocketUpgrade = request.websocketUpgrade;
  origin.bufferBytes = request.streamBufferBytes;
  pres.origin = &origin;
  preq.traceparent = request.traceparent;
  abi::CallScope scope{"request", request.requestId, request.deadline, request.traceparent};
  CallOutcome out = callPlugin(generation, scope, preq.method, pattern,
                               [&](portico_host_ctx* call, portico_error* err) {
                                 preq.call = call;
                                 return route.spec->handler(route.spec->data, &preq, &pres, err);
                               });
  auto fail = [&](const std::string& why) {
    // A stream made by a handler that then failed never gets a connection: it ends here.
    if (pres.stream) std::exchange(pres.stream, nullptr)->end(1011, "the handler failed");
    log::get("plugin." + generation.name())
        ->error("handler for {} {} {}", preq.method, pattern, why);
    http::sendError(response, 500, "internal error in plugin '" + generation.name() + "'",
                    request.requestId);
  };
  // A body that could not be read is answered by the host, whatever the handler made of it.
  if (preq.bodyError) {
    if (pres.stream) std::exchange(pres.stream, nullptr)->end(1011, "the request body failed");
    http::sendError(response, preq.bodyError->status, preq.bodyError->message + " on " + pattern,
                    request.requestId);
    return;
  }
  if (out.status != PORTICO_OK) {
    if (out.status == PORTICO_ERR_INTERNAL) metrics.countHandlerException(generation.name());
    return fail("failed with status " + std::to_string(static_cast<int>(out.status)) + ": " +
                out.message);
  }
  if (pres.status < 200) {
    return fail("answered the informational status " + std::to_string(pres.status) +
                " as its final one");
  }
  response.status = static_cast<int>(pres.status);
  response.headers = std::move(pres.headers);
  // 204 and 304 carry no body (the server drops one written anyway), so no type either.
  bool bodiless = pres.status == 204 || pres.status == 304;
  if (!bodiless && !response.has("Content-Type")) response.set("Content-Type", "application/json");
  response.body = std::move(pres.body);
  // RFC 9110 section 15.5.22: a 426 names the protocol to upgrade to, which a plugin may not set.
  if (pres.refusedWebSocket && pres.status == 426) response.set("Upgrade", "websocket");
  // Only a success streams; an error answered after a stream was made (an SDK's HttpError) goes
  // out as the ordinary response it is.
  if (pres.stream && pres.status >= 300) {
    pres.stream->end(1011, "answered " + std::to_string(pres.status) + " instead");
  } else {
    response.stream = std::move(pres.stream);
    bindToSession(request, response, generation.context().services->sessions);
  }
}

bool topicMatches(std::string_view pattern, std::string_view topic) {
  // Iterative glob with backtracking to the last '*': linear for the patterns we accept.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < topic.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == topic[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void deliverEvent(const RouteTable& table, const std::string& topic, const std::string& payload,
                  const std::string& publisher) {
  // One event, one trace, whichever subscribers it reaches: its publisher's, or its own.
  std::string traceparent = common::validTraceparent(publisher)
                                ? common::childOf(publisher)
                                : common::traceparentFor("", topic + "/" + payload);
  for (const auto& target : table.subscriptions) {
    if (!topicMatches(target.spec->pattern, topic)) continue;
    const abi::SubscriptionSpec& spec = *target.spec;
    abi::CallScope scope{"event", topic, std::chrono::steady_clock::time_point::max(), traceparent};
    CallOutcome out = callPlugin(
        *target.generation, scope, "EVENT", spec.pattern,
        [&](portico_host_ctx* call, portico_error* err) {
          return spec.ctxHandler ? spec.ctxHandler(spec.data, call, ps(topic), ps(payload), err)
                                 : spec.handler(spec.data, ps(topic), ps(payload), err);
        });
    if (out.status != PORTICO_OK) {
      log::get("plugin." + target.generation->name())
          ->warn("event handler for {} failed on {}: {}", target.spec->pattern, topic, out.message);
    }
  }
}

jobs::Outcome runJob(const RouteTable& table, const std::string& queue, const std::string& id,
                     const std::string& payload, int attempt, const std::string& enqueuer,
                     std::chrono::steady_clock::time_point deadline, std::string* error) {
  auto it = table.jobHandlers.find(queue);
  if (it == table.jobHandlers.end()) return jobs::Outcome::NoHandler;
  const auto& target = it->second;
  const abi::JobHandlerSpec& spec = *target.spec;
  std::string traceparent = common::validTraceparent(enqueuer) ? common::childOf(enqueuer)
                                                               : common::traceparentFor("", id);
  abi::CallScope scope{"job", id, deadline, traceparent};
  auto tries = static_cast<uint32_t>(attempt);
  CallOutcome out = callPlugin(
      *target.generation, scope, "JOB", queue, [&](portico_host_ctx* call, portico_error* err) {
        return spec.ctxHandler ? spec.ctxHandler(spec.data, call, ps(id), ps(payload), tries, err)
                               : spec.handler(spec.data, ps(id), ps(payload), tries, err);
      });
  if (out.status == PORTICO_OK) return jobs::Outcome::Done;
  *error = "status " + std::to_string(out.status) + ": " + out.message;
  return jobs::Outcome::Failed;
}

}  // namespace portico::dispatch
