// SPDX-License-Identifier: Apache-2.0
#include "StreamRelay.h"

#include <atomic>

namespace ai_plugin {

using portico::HttpError;
using portico::OutboundError;

// Shared by the handler, the relay's thread and the stream's callbacks.
struct StreamRelay::Call {
  std::mutex mutex;
  std::condition_variable changed;
  enum class State { Waiting, Started, Failed } state = State::Waiting;
  std::optional<HttpError> failure;
  const Model* model = nullptr;
  portico::Stream stream;  // set by the handler once the first event is in
  std::string pending;     // events that came before the stream was open
  std::atomic<bool> gone{false};
  bool writable = true;
  bool ended = false;  // the relay's thread is done with the stream
};

namespace {

// How long a write waits for a slow client's buffer to drain before the client counts as gone.
constexpr std::chrono::seconds kSlowClient(10);

}  // namespace

StreamRelay::StreamRelay(const Gateway& gateway, const portico::Host& host, size_t maxStreams,
                         std::chrono::milliseconds firstEventTimeout)
    : gateway_(gateway),
      host_(host),
      maxStreams_(maxStreams),
      firstEventTimeout_(firstEventTimeout) {}

StreamRelay::~StreamRelay() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (Worker& w : workers_) w.thread.join();
}

void StreamRelay::reap() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (it->finished->load()) {
      it->thread.join();
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
}

void StreamRelay::relay(const ChatRequest& request, const Model& model, portico::Response& res,
                        std::function<void(const StreamEnd&)> onEnd) {
  auto call = std::make_shared<Call>();
  auto finished = std::make_shared<std::atomic<bool>>(false);
  auto send = [call](std::string_view event) {
    std::unique_lock<std::mutex> lock(call->mutex);
    if (!call->stream) {
      call->pending.append(event);
      return;
    }
    while (!call->gone) {
      auto wrote = call->stream.write(event);
      if (wrote == portico::Stream::Write::Ok) return;
      if (wrote == portico::Stream::Write::Closed) break;
      call->writable = false;
      if (!call->changed.wait_for(lock, kSlowClient, [&] { return call->writable; })) break;
    }
    call->gone = true;
  };
  auto work = [this, call, finished, request, &model, send, onEnd = std::move(onEnd)] {
    StreamEnd end;
    try {
      Gateway::Streamed s = gateway_.stream(
          host_.scope(), request, model,
          [&](const Model& m) {
            std::lock_guard<std::mutex> lock(call->mutex);
            call->model = &m;
            call->state = Call::State::Started;
            call->changed.notify_all();
          },
          [&](std::string_view event, std::string_view withoutUsage) {
            std::string_view out = request.includeUsage ? event : withoutUsage;
            if (!out.empty()) send(out);
          },
          [&] { return call->gone.load(); });
      end.model = s.model;
      end.content = s.reply.content();
      end.finishReason = s.reply.finishReason();
      end.complete = s.reply.done() && !s.broken;
      end.usage = s.reply.usage().value_or(Usage{estimateTokens(request.promptBytes),
                                                 estimateTokens(s.reply.content().size()), true});
      if (s.broken && !s.cancelled) {
        send("data: {\"error\":{\"message\":\"the provider's stream broke off\"}}\n\n");
      }
    } catch (const HttpError& e) {
      std::lock_guard<std::mutex> lock(call->mutex);
      call->failure = e;
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(call->mutex);
      call->failure = HttpError(502, "the streamed call failed", {}, e.what());
    }
    portico::Stream stream;
    {
      std::lock_guard<std::mutex> lock(call->mutex);
      if (call->state == Call::State::Waiting) call->state = Call::State::Failed;
      call->ended = true;
      call->changed.notify_all();
      stream = std::move(call->stream);
      call->stream = portico::Stream();
    }
    if (stream) stream.close();
    if (end.model != nullptr) {
      try {
        onEnd(end);
      } catch (const std::exception& e) {
        host_.warn(std::string("ai: a streamed reply was not charged: ") + e.what());
      }
    }
    finished->store(true);
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reap();
    if (workers_.size() >= maxStreams_) {
      throw HttpError(503, "too many streamed replies at once; try again shortly",
                      {{"Retry-After", "1"}});
    }
    workers_.push_back(Worker{std::thread(work), finished});
  }

  std::unique_lock<std::mutex> lock(call->mutex);
  if (!call->changed.wait_for(lock, firstEventTimeout_,
                              [&] { return call->state != Call::State::Waiting; })) {
    call->gone = true;
    throw HttpError(504, "no model began its reply within " +
                             std::to_string(firstEventTimeout_.count()) + " ms");
  }
  if (call->state == Call::State::Failed) {
    if (call->failure) throw *call->failure;
    throw HttpError(502, "the streamed call failed");
  }
  res.header("X-AI-Model", call->model->alias);
  res.header("X-AI-Cache", "miss");
  std::weak_ptr<Call> weak = call;
  portico::StreamCallbacks callbacks;
  callbacks.on_writable = [weak](portico::Stream&) {
    if (auto c = weak.lock()) {
      std::lock_guard<std::mutex> l(c->mutex);
      c->writable = true;
      c->changed.notify_all();
    }
  };
  callbacks.on_close = [weak](portico::Stream&, uint32_t, std::string_view) {
    if (auto c = weak.lock()) {
      std::lock_guard<std::mutex> l(c->mutex);
      c->gone = true;
      c->changed.notify_all();
    }
  };
  call->stream = res.event_stream(std::move(callbacks));
  if (!call->pending.empty()) {
    call->stream.write(call->pending);
    call->pending.clear();
  }
  // The relay's thread may already be done (a short reply): the stream then still needs its end.
  if (call->ended) {
    call->stream.close();
    call->stream = portico::Stream();
  }
}

}  // namespace ai_plugin
