/* SPDX-License-Identifier: Apache-2.0 */
// A response that goes on after its head: a chunked body (server-sent events, a long download)
// or a WebSocket. Whoever produces it writes from any thread; the connection's event loop sends
// what was written, in order, and tells the listener when the stream can take more, when a
// WebSocket message arrives and, once, when the stream has ended.
//
// Backpressure: at most `maxBuffered` bytes wait to be sent. A write that would pass the bound is
// refused (WouldBlock) and queues nothing; the listener hears onWritable() once the buffer has
// drained below half of it. A slow reader therefore never makes the host buffer without bound.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portico::http {

// Who hears what happens on a stream; called on the connection's event loop, one call at a time.
class StreamListener {
 public:
  virtual ~StreamListener() = default;
  virtual void onMessage(bool binary, std::string_view data) = 0;  // WebSocket only
  virtual void onWritable() = 0;
  // The last call, exactly once: the client went away, the producer closed it, the protocol was
  // broken, or the server is stopping. `code` is a WebSocket close code (1000 for a normal end).
  virtual void onClose(uint16_t code, std::string_view reason) = 0;
};

class Stream {
 public:
  enum class Kind { Chunked, WebSocket };
  enum class Sent { Ok, WouldBlock, Closed };
  struct Frame {
    std::string data;
    bool binary = false;
  };

  Stream(Kind kind, size_t maxBuffered, std::shared_ptr<StreamListener> listener)
      : kind_(kind), maxBuffered_(maxBuffered), listener_(std::move(listener)) {}

  Kind kind() const { return kind_; }
  StreamListener& listener() { return *listener_; }

  // Producer side, any thread.
  Sent write(std::string data, bool binary);
  // Asks the connection to end the stream (a WebSocket with `code`); onClose follows.
  void close(uint16_t code, std::string reason);

  // Connection side. `wake` is called (from any thread) when there is something to send or a
  // close was asked for; it must only schedule work on the connection's event loop.
  void attach(std::function<void()> wake);
  // The next frame to send, if any; frees its bytes from the bound.
  std::optional<Frame> next();
  // The close asked for, once the frames written before it have been sent.
  std::optional<std::pair<uint16_t, std::string>> closeRequest();
  // True once after the buffer drained below half the bound following a refused write.
  bool takeWritable();
  // Ends the stream: no more writes are taken, what waits is dropped, and the listener hears
  // onClose; only the first call does anything. Called by whoever ends it (the connection, or
  // the host when the stream never got a connection).
  void end(uint16_t code, std::string_view reason);
  bool ended();
  // Runs `done` once the stream has ended (at once if it has): what a stream holds elsewhere,
  // such as a channel subscription, is let go without the producer's listener knowing of it.
  void whenEnded(std::function<void()> done);

 private:
  void wakeUp(std::unique_lock<std::mutex>& lock);

  const Kind kind_;
  const size_t maxBuffered_;
  std::shared_ptr<StreamListener> listener_;

  std::mutex mutex_;  // guards what follows
  std::deque<Frame> queue_;
  size_t buffered_ = 0;
  bool refused_ = false;  // a write was refused since the last onWritable
  bool writable_ = false;
  bool ended_ = false;
  std::optional<std::pair<uint16_t, std::string>> closeRequest_;
  std::function<void()> wake_;
  bool wakePending_ = false;  // one wake-up at a time is enough
  std::vector<std::function<void()>> whenEnded_;
};

}  // namespace portico::http
