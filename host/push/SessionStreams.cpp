// SPDX-License-Identifier: Apache-2.0
#include "push/SessionStreams.h"

#include <vector>

#include "log/Logging.h"
#include "portico/json.hpp"

namespace portico::push {

void SessionStreams::bind(const std::shared_ptr<http::Stream>& stream, Session session,
                          bool eventStream) {
  uint64_t key;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    key = next_++;
    entries_.emplace(key, Entry{stream, std::move(session), eventStream});
  }
  stream->whenEnded([this, key] {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(key);
  });
}

template <typename Covered>
void SessionStreams::closeWhere(Covered covered) {
  std::vector<Entry> closing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, entry] : entries_) {
      if (covered(entry.session)) closing.push_back(entry);
    }
  }
  for (const auto& entry : closing) {
    auto stream = entry.stream.lock();
    if (!stream) continue;
    if (entry.eventStream) {
      stream->write("event: revoked\ndata: {\"message\":\"the session has ended\"}\n\n", false);
    }
    stream->close(1008, "the session has ended");
    ++closed_;
  }
}

void SessionStreams::revoked(const std::string& notice) {
  json::Value value;
  try {
    value = json::parse(notice);
  } catch (const std::exception& e) {
    log::get("push")->warn("revocation notice not understood: {}", e.what());
    return;
  }
  const json::Value* jti = value.find("jti");
  const json::Value* sub = value.find("sub");
  const json::Value* at = value.find("at_ms");
  if (jti != nullptr && jti->is_string()) {
    std::string id = jti->as_string();
    closeWhere([&](const Session& s) { return s.tokenId == id; });
  } else if (sub != nullptr && sub->is_string() && at != nullptr && at->is_int()) {
    std::string subject = sub->as_string();
    int64_t atMs = at->as_int();
    closeWhere([&](const Session& s) { return s.subject == subject && s.issuedAtMs <= atMs; });
  }
}

void SessionStreams::recheck(const std::function<bool(const Session&)>& ended) {
  std::vector<Session> sessions;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, entry] : entries_) sessions.push_back(entry.session);
  }
  std::unordered_map<std::string, bool> verdicts;  // one check per token
  for (const auto& s : sessions) {
    if (verdicts.count(s.tokenId) != 0) continue;
    try {
      verdicts[s.tokenId] = ended(s);
    } catch (const std::exception& e) {
      log::get("push")->warn("cannot check a stream's session: {}", e.what());
      verdicts[s.tokenId] = false;
    }
  }
  closeWhere([&](const Session& s) {
    auto it = verdicts.find(s.tokenId);
    return it != verdicts.end() && it->second;
  });
}

size_t SessionStreams::open() {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace portico::push
