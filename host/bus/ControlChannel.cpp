// SPDX-License-Identifier: Apache-2.0
#include "bus/ControlChannel.h"

#include <Poco/UUIDGenerator.h>

#include "log/Logging.h"

namespace portico::bus {

ControlChannel::ControlChannel()
    : name_("portico:control:" +
            Poco::UUIDGenerator::defaultGenerator().createRandom().toString()) {}

bool ControlChannel::tell(resources::RedisPool& pool, const std::string& word,
                          const char* logger) const {
  try {
    pool.withConnection([&](resources::RedisConnection& c) {
      c.command({"PUBLISH", name_, word});
    });
    return true;
  } catch (const std::exception& e) {
    log::get(logger)->debug("'{}' not published to the listener: {}", word, e.what());
    return false;
  }
}

}  // namespace portico::bus
