/* SPDX-License-Identifier: Apache-2.0 */
// Every stream opened by a signed-in caller (the host's push streams and plugins' streams alike)
// is bound to the token it was opened with. When that token is revoked (logout), or its subject
// is (logout everywhere, password change, account deletion, an operator), the revoking host
// publishes a notice (auth/Revocations.h) and every host closes the streams it covers at once:
// server-sent events with a last `event: revoked`, WebSockets with close code 1008. A host that
// lost its Redis connection, and so perhaps a notice, checks every bound stream again.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/Stream.h"

namespace portico::push {

struct Session {
  std::string subject;
  std::string tokenId;     // the jti
  int64_t issuedAtMs = 0;  // what a subject's revocation is compared with
};

class SessionStreams {
 public:
  // `eventStream`: a text/event-stream body, which hears why it ends.
  void bind(const std::shared_ptr<http::Stream>& stream, Session session, bool eventStream);

  // A notice from auth::Revocations (JSON: {"jti"} or {"sub","at_ms"}); ignores what it cannot
  // read.
  void revoked(const std::string& notice);
  // Closes the streams whose session `ended` says has ended. What `ended` throws leaves that
  // session's streams open (it is asked again on the next reconnection).
  void recheck(const std::function<bool(const Session&)>& ended);

  size_t open();
  uint64_t closed() const { return closed_.load(); }

 private:
  struct Entry {
    std::weak_ptr<http::Stream> stream;
    Session session;
    bool eventStream = false;
  };

  template <typename Covered>
  void closeWhere(Covered covered);

  std::mutex mutex_;
  uint64_t next_ = 0;
  std::unordered_map<uint64_t, Entry> entries_;
  std::atomic<uint64_t> closed_{0};
};

}  // namespace portico::push
