/* SPDX-License-Identifier: Apache-2.0 */
// Random hex digits for ids that need only be unique (completion ids, idempotency keys), not
// secret: a per-thread generator seeded once, no lock.
#pragma once

#include <cstdio>
#include <random>
#include <string>

namespace ai_plugin {

inline std::string randomHex(size_t digits) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::string out;
  while (out.size() < digits) {
    char block[17];
    std::snprintf(block, sizeof block, "%016llx", static_cast<unsigned long long>(random()));
    out += block;
  }
  out.resize(digits);
  return out;
}

}  // namespace ai_plugin
