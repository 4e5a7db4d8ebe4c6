// SPDX-License-Identifier: Apache-2.0
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>

#include <chrono>

#include "http/StreamSessions.h"

namespace portico::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr uint16_t kGoingAway = 1001;
constexpr size_t kScratch = 4096;

class ChunkedSession : public OpenConnection, public std::enable_shared_from_this<ChunkedSession> {
 public:
  ChunkedSession(Transport transport, std::shared_ptr<ServerShared> shared,
                 std::shared_ptr<Stream> stream, ChunkedOptions options)
      : OpenConnection(std::move(shared)),
        transport_(std::move(transport)),
        timer_(transport_.get_executor()),
        stream_(std::move(stream)),
        options_(options) {}

  void start() {
    enroll(weak_from_this());
    std::weak_ptr<ChunkedSession> weak = weak_from_this();
    stream_->attach([weak, executor = transport_.get_executor()] {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->pump();
      });
    });
    lastSent_ = Clock::now();
    watchPeer();
    tick();
    pump();
  }

  // The server is stopping: an open stream is as idle as a connection gets.
  void closeWhenIdle() override { stream_->close(kGoingAway, "server stopping"); }

 private:
  void pump() {
    if (writing_ || done_) return;
    while (auto frame = stream_->next()) {
      // An empty chunk would end the body.
      if (!frame->data.empty()) return send(std::move(frame->data));
    }
    if (auto close = stream_->closeRequest()) return finish(close->first, close->second);
  }

  void send(std::string data) {
    writing_ = true;
    sending_ = std::move(data);
    writeStarted_ = Clock::now();
    writeFramed(sending_, [self = shared_from_this()](error_code ec, size_t) {
      self->writing_ = false;
      self->sending_.clear();
      self->lastSent_ = Clock::now();
      if (ec) return self->end(kGoingAway, "client went away");
      if (self->stream_->takeWritable()) self->stream_->listener().onWritable();
      self->pump();
    });
  }

  // One piece of the body, as a chunk or (close-delimited) as it is.
  template <typename Done>
  void writeFramed(const std::string& data, Done&& done) {
    if (options_.closeDelimited) {
      asio::async_write(transport_, asio::buffer(data), std::forward<Done>(done));
    } else {
      asio::async_write(transport_, bhttp::make_chunk(asio::buffer(data)),
                        std::forward<Done>(done));
    }
  }

  // The end of the body: the last chunk, or nothing but the close that follows.
  template <typename Done>
  void writeEnd(Done&& done) {
    if (options_.closeDelimited) {
      asio::post(transport_.get_executor(),
                 [done = std::forward<Done>(done)]() mutable { done(error_code(), 0); });
    } else {
      asio::async_write(transport_, bhttp::make_chunk_last(), std::forward<Done>(done));
    }
  }

  // Ends the body (the server asked: first an SSE hint to come back soon), then the connection.
  void finish(uint16_t code, const std::string& reason) {
    done_ = true;
    std::string tail;
    if (options_.eventStream && code != 1000) {
      tail = "retry: 1000\n\n";
    }
    writing_ = true;
    sending_ = std::move(tail);
    auto last = [self = shared_from_this(), code, reason](error_code, size_t) {
      self->transport_.shutdownSend();
      self->end(code, reason);
    };
    if (sending_.empty()) {
      writeEnd(std::move(last));
    } else {
      writeFramed(sending_, [self = shared_from_this(), last](error_code ec, size_t n) mutable {
        if (ec) return last(ec, n);
        self->writeEnd(std::move(last));
      });
    }
  }

  // A stream's client sends nothing; a read ends only when it goes away (or sends junk).
  void watchPeer() {
    if (!scratch_) scratch_ = std::make_unique<char[]>(kScratch);
    transport_.async_read_some(asio::buffer(scratch_.get(), kScratch),
                               [self = shared_from_this()](error_code ec, size_t) {
                                 if (ec) return self->end(kGoingAway, "client went away");
                                 self->watchPeer();
                               });
  }

  // Once a second: a write stuck past http.timeout_ms means a client that stopped reading; an
  // event stream silent past its heartbeat gets a comment line.
  void tick() {
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || self->ended_) return;
      auto now = Clock::now();
      if (self->writing_ &&
          now - self->writeStarted_ > milliseconds(self->shared_->options.timeoutMs)) {
        return self->end(kGoingAway, "client stopped reading");
      }
      if (!self->writing_ && !self->done_ && self->options_.heartbeatMs > 0 &&
          now - self->lastSent_ >= milliseconds(self->options_.heartbeatMs)) {
        self->send(":\n\n");
      }
      self->tick();
    });
  }

  void end(uint16_t code, const std::string& reason) {
    if (ended_) return;
    ended_ = true;
    done_ = true;
    timer_.cancel();
    transport_.close();
    stream_->end(code, reason);
  }

  Transport transport_;
  asio::steady_timer timer_;
  std::shared_ptr<Stream> stream_;
  ChunkedOptions options_;
  std::unique_ptr<char[]> scratch_;
  std::string sending_;  // the frame being written
  bool writing_ = false;
  bool done_ = false;  // the last chunk is on its way: nothing more is sent
  bool ended_ = false;
  Clock::time_point writeStarted_;
  Clock::time_point lastSent_;
};

}  // namespace

void startChunkedSession(Transport transport, std::shared_ptr<ServerShared> shared,
                         std::shared_ptr<Stream> stream, ChunkedOptions options) {
  std::make_shared<ChunkedSession>(std::move(transport), std::move(shared), std::move(stream),
                                   options)
      ->start();
}

}  // namespace portico::http
