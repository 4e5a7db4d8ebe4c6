// SPDX-License-Identifier: Apache-2.0
#include "http/Stream.h"

namespace portico::http {

Stream::Sent Stream::write(std::string data, bool binary) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ended_ || closeRequest_) return Sent::Closed;
  // One frame larger than the bound still goes when nothing else waits: it could never go
  // otherwise, and it is the producer's own memory already.
  if (buffered_ > 0 && buffered_ + data.size() > maxBuffered_) {
    refused_ = true;
    return Sent::WouldBlock;
  }
  buffered_ += data.size();
  queue_.push_back({std::move(data), binary});
  wakeUp(lock);
  return Sent::Ok;
}

void Stream::close(uint16_t code, std::string reason) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (ended_ || closeRequest_) return;
  closeRequest_.emplace(code, std::move(reason));
  wakeUp(lock);
}

void Stream::attach(std::function<void()> wake) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_ = std::move(wake);
  if (!queue_.empty() || closeRequest_) wakeUp(lock);
}

void Stream::wakeUp(std::unique_lock<std::mutex>& lock) {
  if (!wake_ || wakePending_) return;
  wakePending_ = true;
  auto wake = wake_;
  lock.unlock();
  wake();
}

std::optional<Stream::Frame> Stream::next() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.empty()) {
    wakePending_ = false;
    return std::nullopt;
  }
  Frame f = std::move(queue_.front());
  queue_.pop_front();
  buffered_ -= f.data.size();
  if (refused_ && buffered_ <= maxBuffered_ / 2) {
    refused_ = false;
    writable_ = true;
  }
  return f;
}

std::optional<std::pair<uint16_t, std::string>> Stream::closeRequest() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!queue_.empty()) return std::nullopt;
  return closeRequest_;
}

bool Stream::takeWritable() {
  std::lock_guard<std::mutex> lock(mutex_);
  bool w = writable_;
  writable_ = false;
  return w;
}

void Stream::end(uint16_t code, std::string_view reason) {
  std::vector<std::function<void()>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (ended_) return;
    ended_ = true;
    queue_.clear();
    buffered_ = 0;
    wake_ = nullptr;
    done.swap(whenEnded_);
  }
  listener_->onClose(code, reason);
  for (auto& f : done) f();
}

void Stream::whenEnded(std::function<void()> done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!ended_) {
      whenEnded_.push_back(std::move(done));
      return;
    }
  }
  done();
}

bool Stream::ended() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ended_;
}

}  // namespace portico::http
