// SPDX-License-Identifier: Apache-2.0
#include "abi/Streams.h"

#include <algorithm>

namespace portico::abi {

void StreamRegistry::add(const std::shared_ptr<http::Stream>& stream) {
  std::lock_guard<std::mutex> lock(mutex_);
  streams_.erase(
      std::remove_if(streams_.begin(), streams_.end(), [](const auto& s) { return s.expired(); }),
      streams_.end());
  streams_.push_back(stream);
}

void StreamRegistry::closeAll(uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<http::Stream>> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& s : streams_) {
      if (auto stream = s.lock()) open.push_back(std::move(stream));
    }
  }
  for (auto& s : open) s->close(code, reason);
}

size_t StreamRegistry::open() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<size_t>(std::count_if(streams_.begin(), streams_.end(), [](const auto& s) {
    auto stream = s.lock();
    return stream && !stream->ended();
  }));
}

}  // namespace portico::abi
