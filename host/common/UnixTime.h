/* SPDX-License-Identifier: Apache-2.0 */
// Wall-clock time as stored in tokens and Redis scores: milliseconds since 1970-01-01 UTC.
#pragma once

#include <chrono>
#include <cstdint>

namespace portico::common {

inline int64_t unixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace portico::common
