// SPDX-License-Identifier: Apache-2.0
#include "http/ServerShared.h"

#include <vector>

namespace portico::http {

OpenConnection::~OpenConnection() {
  if (!enrolled_) return;
  shared_->withdraw(this);
  if (shared_->observer) shared_->observer->connectionClosed();
}

void OpenConnection::enroll(std::weak_ptr<OpenConnection> self) {
  enrolled_ = true;
  shared_->enroll(this, std::move(self));
  if (shared_->observer) shared_->observer->connectionOpened();
}

void ServerShared::enroll(OpenConnection* c, std::weak_ptr<OpenConnection> handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  open_.emplace(c, std::move(handle));
}

void ServerShared::withdraw(OpenConnection* c) {
  std::lock_guard<std::mutex> lock(mutex_);
  open_.erase(c);
}

size_t ServerShared::openCount() {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.size();
}

void ServerShared::closeIdle() {
  // Collected first: the last reference to a connection may drop here, and its destructor
  // withdraws it under the same lock.
  std::vector<std::shared_ptr<OpenConnection>> open;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : open_) {
      if (auto c = entry.second.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->closeWhenIdle();
}

}  // namespace portico::http
