/* SPDX-License-Identifier: Apache-2.0 */
// The wall clock as the product plugins store and compare it: milliseconds since 1970 UTC.
#pragma once

#include <chrono>
#include <cstdint>

namespace portico::common {

inline int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace portico::common
