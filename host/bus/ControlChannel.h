/* SPDX-License-Identifier: Apache-2.0 */
// The private pub/sub channel of one subscriber connection. A thread blocked reading that
// connection can only be reached through Redis: whoever wants it to do something (leave, look
// at a change) publishes a word here, and the listener, subscribed to it, reads it in turn.
#pragma once

#include <string>

#include "resources/Resources.h"

namespace portico::bus {

class ControlChannel {
 public:
  ControlChannel();

  const std::string& name() const { return name_; }
  // Publishes `word`; false (logged at debug on `logger`) when Redis cannot be reached, in
  // which case the listener is in its reconnect wait and finds out there.
  bool tell(resources::RedisPool& pool, const std::string& word, const char* logger) const;

 private:
  std::string name_;
};

}  // namespace portico::bus
