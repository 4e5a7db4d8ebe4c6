// SPDX-License-Identifier: MIT
// portico/stream.hpp — streams for C++ plugins (ABI 1.5): server-sent events, chunked bodies
// and WebSockets, made in a handler through portico::Response and written to afterwards from any
// thread (a job, a timer of your own, an event handler) without holding a host thread between
// writes.
//
//   host.route("GET", "/ticks", [this](const portico::Request&, portico::Response& res) {
//     portico::Stream s = res.event_stream({});
//     s.retry(std::chrono::seconds(2));
//     s.subscribe("ticks");   // every channel_publish("ticks", ...) on any host reaches it
//   });
//
// A Stream is a shared handle: copies refer to the same stream, and the host's handle is given
// back when the last copy is gone and the stream has ended. Keep copies only as long as you
// need them, and drop them in drain at the latest: the generation is unloaded only after every
// stream of it has ended (the host ends them at the drain deadline with 1012).
#ifndef PORTICO_STREAM_HPP
#define PORTICO_STREAM_HPP

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "portico/errors.hpp"
#include "portico/plugin.h"

namespace portico {

class Stream;

// What a plugin hears of a stream. Each is called on a host event-loop thread: return quickly.
struct StreamCallbacks {
  // A whole WebSocket message.
  std::function<void(Stream& stream, std::string_view data, bool binary)> on_message;
  // A write that answered Full may be tried again.
  std::function<void(Stream& stream)> on_writable;
  // The end, once, last (see portico_stream_handlers for the codes).
  std::function<void(Stream& stream, uint32_t code, std::string_view reason)> on_close;
};

class Stream {
 public:
  enum class Write { Ok, Full, Closed };

  Stream() = default;
  explicit operator bool() const { return state_ != nullptr; }

  // A chunk of a chunked body, or one text message of a WebSocket.
  Write write(std::string_view data) const { return put(data, false); }
  // One binary WebSocket message.
  Write write_binary(std::string_view data) const { return put(data, true); }
  // Ends the stream once what was written has been sent; on_close follows with `code`.
  void close(uint32_t code = 1000, std::string_view reason = {}) const {
    if (state_) state_->api->stream_close(state_->handle, code, {reason.data(), reason.size()});
  }
  // Channel messages (channel_publish, from any host) reach this stream until it ends.
  void subscribe(std::string_view channel) const {
    char buf[256] = {0};
    portico_error err{buf, sizeof buf, 0};
    portico_status s =
        state_->api->stream_subscribe(state_->handle, {channel.data(), channel.size()}, &err);
    if (s != PORTICO_OK && s != PORTICO_ERR_CLOSED) {
      throw std::runtime_error("stream_subscribe: " + std::string(buf, err.len));
    }
  }

  // Server-sent events (text/event-stream) framing. An event with several lines of data is
  // sent as several data: lines; name and id are single lines.
  Write event(std::string_view data, std::string_view name = {}, std::string_view id = {}) const {
    std::string text;
    if (!name.empty()) text.append("event: ").append(single_line(name)).append("\n");
    if (!id.empty()) text.append("id: ").append(single_line(id)).append("\n");
    size_t start = 0;
    for (;;) {
      size_t end = data.find('\n', start);
      text.append("data: ")
          .append(data.substr(start, end == std::string_view::npos ? end : end - start))
          .append("\n");
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
    text.append("\n");
    return write(text);
  }
  // How long the browser waits before reconnecting after the stream ends.
  Write retry(std::chrono::milliseconds delay) const {
    return write("retry: " + std::to_string(delay.count()) + "\n\n");
  }
  // A comment line, which EventSource ignores (the host sends one itself after
  // http.sse_heartbeat_ms of silence).
  Write comment(std::string_view text) const {
    return write(": " + std::string(single_line(text)) + "\n\n");
  }

 private:
  friend class Response;

  // Shared by the copies of a Stream and, until on_close, by the host.
  struct State {
    const portico_host_api* api = nullptr;
    portico_stream* handle = nullptr;
    StreamCallbacks callbacks;
    std::shared_ptr<State> host_ref;  // the host's reference, dropped after on_close
    ~State() {
      if (handle) api->stream_release(handle);
    }
  };
  explicit Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}

  Write put(std::string_view data, bool binary) const {
    if (!state_) return Write::Closed;
    switch (state_->api->stream_write(state_->handle, {data.data(), data.size()}, binary)) {
      case PORTICO_OK:
        return Write::Ok;
      case PORTICO_ERR_WOULD_BLOCK:
        return Write::Full;
      default:
        return Write::Closed;
    }
  }

  static std::string_view single_line(std::string_view s) {
    return s.substr(0, s.find_first_of("\r\n"));
  }

  // The C callbacks: each finds the state through user_data and calls the C++ one, never
  // letting an exception out.
  static void on_message(void* user, portico_stream*, bool binary, portico_str data) {
    auto* state = static_cast<State*>(user);
    Stream self(state->host_ref);
    guard([&] {
      if (state->callbacks.on_message) {
        state->callbacks.on_message(self, std::string_view(data.ptr, data.len), binary);
      }
    });
  }
  static void on_writable(void* user, portico_stream*) {
    auto* state = static_cast<State*>(user);
    Stream self(state->host_ref);
    guard([&] {
      if (state->callbacks.on_writable) state->callbacks.on_writable(self);
    });
  }
  static void on_close(void* user, portico_stream*, uint32_t code, portico_str reason) {
    auto* state = static_cast<State*>(user);
    // Held here so the state outlives the callback even if it drops the last copy.
    std::shared_ptr<State> keep = std::move(state->host_ref);
    Stream self(keep);
    guard([&] {
      if (state->callbacks.on_close) {
        state->callbacks.on_close(self, code, std::string_view(reason.ptr, reason.len));
      }
    });
  }
  template <typename F>
  static void guard(F&& f) noexcept {
    try {
      f();
    } catch (...) {  // a callback has no caller to report to; the stream goes on
    }
  }

  using Make = portico_status (*)(portico_response*, const portico_stream_handlers*,
                                  portico_stream**, portico_error*);
  // Makes the stream through `make` (response_stream or response_websocket).
  static Stream open(const portico_host_api* api, portico_response* res, Make make, bool websocket,
                     StreamCallbacks callbacks) {
    auto state = std::make_shared<State>();
    state->api = api;
    state->callbacks = std::move(callbacks);
    portico_stream_handlers handlers{};
    handlers.struct_size = sizeof handlers;
    handlers.user_data = state.get();
    handlers.on_message = &Stream::on_message;
    handlers.on_writable = &Stream::on_writable;
    handlers.on_close = &Stream::on_close;
    char buf[256] = {0};
    portico_error err{buf, sizeof buf, 0};
    portico_status s = make(res, &handlers, &state->handle, &err);
    if (s == PORTICO_ERR_WRONG_STATE && websocket) {
      throw HttpError(426, "this route speaks WebSocket: send an upgrade request");
    }
    if (s != PORTICO_OK) throw std::runtime_error("stream: " + std::string(buf, err.len));
    state->host_ref = state;
    return Stream(state);
  }

  std::shared_ptr<State> state_;
};

}  // namespace portico

#endif  // PORTICO_STREAM_HPP
