// SPDX-License-Identifier: Apache-2.0
#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "bus/EventBus.h"
#include "common/Names.h"
#include "jobs/JobQueue.h"

namespace portico::abi {
namespace {

constexpr size_t kMaxPayload = 1 << 20;

bool validName(std::string_view s, size_t max, std::string_view extra) {
  return common::isName(s, max, common::kLower | common::kUpper | common::kDigits, extra);
}

portico_status refuse(portico_error* err, portico_status status, const char* message) {
  portico_error_set(err, message);
  return status;
}

// What an event or job made during a call carries on: the call's trace context.
std::string callTraceparent(const portico_host_ctx* ctx) {
  return ctx->scope ? std::string(ctx->scope->traceparent) : std::string();
}

portico_status eventPublish(portico_host_ctx* ctx, portico_str topic, portico_str payload,
                            portico_error* err) {
  if (ctx == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (!validName(sv(topic), 128, "._:-")) {
    return refuse(err, PORTICO_ERR_INVALID_ARGUMENT, "topic must be 1-128 of [A-Za-z0-9._:-]");
  }
  if (payload.len > kMaxPayload) return refuse(err, PORTICO_ERR_TOO_LARGE, "payload over 1 MiB");
  if (ctx->plugin->services->events == nullptr)
    return refuse(err, PORTICO_ERR_UNAVAILABLE, "no Redis configured");
  return guarded(err, [&] {
    ctx->plugin->services->events->publish(std::string(sv(topic)), std::string(sv(payload)),
                                           callTraceparent(ctx));
    return PORTICO_OK;
  });
}

// Registers `spec` (its pattern filled in here) for event_subscribe and its _ctx form.
portico_status subscribe(portico_host_ctx* ctx, portico_str pattern, SubscriptionSpec spec,
                         portico_error* err) {
  if (ctx == nullptr || (spec.handler == nullptr && spec.ctxHandler == nullptr)) {
    return PORTICO_ERR_INVALID_ARGUMENT;
  }
  if (!ctx->plugin->acceptingRoutes)
    return refuse(err, PORTICO_ERR_WRONG_STATE, "subscribe only during init");
  if (!validName(sv(pattern), 128, "._:-*?")) {
    return refuse(err, PORTICO_ERR_INVALID_ARGUMENT, "pattern must be 1-128 of [A-Za-z0-9._:-*?]");
  }
  return guarded(err, [&] {
    spec.pattern = std::string(sv(pattern));
    ctx->plugin->registered.subscriptions.push_back(std::move(spec));
    return PORTICO_OK;
  });
}

portico_status eventSubscribe(portico_host_ctx* ctx, portico_str pattern, portico_event_fn handler,
                              void* data, portico_error* err) {
  return subscribe(ctx, pattern, SubscriptionSpec{{}, handler, data}, err);
}

portico_status eventSubscribeCtx(portico_host_ctx* ctx, portico_str pattern,
                                 portico_event_ctx_fn handler, void* data, portico_error* err) {
  return subscribe(ctx, pattern, SubscriptionSpec{{}, nullptr, data, handler}, err);
}

portico_status jobEnqueue(portico_host_ctx* ctx, portico_str queue, portico_str payload,
                          const portico_job_options* options, char* idOut, portico_error* err) {
  if (ctx == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (!validName(sv(queue), 64, "._-")) {
    return refuse(err, PORTICO_ERR_INVALID_ARGUMENT, "queue must be 1-64 of [A-Za-z0-9._-]");
  }
  if (payload.len > kMaxPayload) return refuse(err, PORTICO_ERR_TOO_LARGE, "payload over 1 MiB");
  if (ctx->plugin->services->jobs == nullptr)
    return refuse(err, PORTICO_ERR_UNAVAILABLE, "no Redis configured");
  portico_job_options o{};
  if (options != nullptr) {
    // Only the members the caller's header had.
    std::memcpy(&o, options, std::min(options->struct_size, sizeof o));
  }
  return guarded(err, [&] {
    std::string id = ctx->plugin->services->jobs->enqueue(
        std::string(sv(queue)), std::string(sv(payload)), static_cast<int>(o.delay_ms),
        static_cast<int>(o.max_attempts), static_cast<int>(o.backoff_ms), callTraceparent(ctx));
    copyOut(id, idOut, PORTICO_JOB_ID_MAX);
    return PORTICO_OK;
  });
}

// Registers `spec` for job_handle and its _ctx form.
portico_status handleJobs(portico_host_ctx* ctx, portico_str queue, JobHandlerSpec spec,
                          portico_error* err) {
  if (ctx == nullptr || (spec.handler == nullptr && spec.ctxHandler == nullptr)) {
    return PORTICO_ERR_INVALID_ARGUMENT;
  }
  if (!ctx->plugin->acceptingRoutes)
    return refuse(err, PORTICO_ERR_WRONG_STATE, "job_handle only during init");
  if (!validName(sv(queue), 64, "._-")) {
    return refuse(err, PORTICO_ERR_INVALID_ARGUMENT, "queue must be 1-64 of [A-Za-z0-9._-]");
  }
  for (const auto& h : ctx->plugin->registered.jobHandlers) {
    if (h.queue == sv(queue))
      return refuse(err, PORTICO_ERR_CONFLICT, "queue already has a handler");
  }
  return guarded(err, [&] {
    spec.queue = std::string(sv(queue));
    ctx->plugin->registered.jobHandlers.push_back(std::move(spec));
    return PORTICO_OK;
  });
}

portico_status jobHandle(portico_host_ctx* ctx, portico_str queue, portico_job_fn handler,
                         void* data, portico_error* err) {
  return handleJobs(ctx, queue, JobHandlerSpec{{}, handler, data}, err);
}

portico_status jobHandleCtx(portico_host_ctx* ctx, portico_str queue, portico_job_ctx_fn handler,
                            void* data, portico_error* err) {
  return handleJobs(ctx, queue, JobHandlerSpec{{}, nullptr, data, handler}, err);
}

portico_status jobStatus(portico_host_ctx* ctx, portico_str id, portico_job_state* state,
                         uint32_t* attempts, portico_error* err) {
  if (ctx == nullptr || state == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (ctx->plugin->services->jobs == nullptr)
    return refuse(err, PORTICO_ERR_UNAVAILABLE, "no Redis configured");
  if (!validName(sv(id), PORTICO_JOB_ID_MAX - 1, "-")) {
    *state = PORTICO_JOB_UNKNOWN;
    return PORTICO_OK;
  }
  return guarded(err, [&] {
    auto [s, n] = ctx->plugin->services->jobs->status(std::string(sv(id)));
    *state = s;
    if (attempts) *attempts = static_cast<uint32_t>(n);
    return PORTICO_OK;
  });
}

}  // namespace

void fillMessagingApi(portico_host_api& api) {
  api.event_publish = &eventPublish;
  api.event_subscribe = &eventSubscribe;
  api.event_subscribe_ctx = &eventSubscribeCtx;
  api.job_enqueue = &jobEnqueue;
  api.job_handle = &jobHandle;
  api.job_handle_ctx = &jobHandleCtx;
  api.job_status = &jobStatus;
}

}  // namespace portico::abi
