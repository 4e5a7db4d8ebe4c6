// SPDX-License-Identifier: Apache-2.0
#include "http/RequestId.h"

#include <random>

#include "common/Names.h"

namespace portico::http {

bool isValidRequestId(std::string_view id) {
  return common::isName(id, 64, common::kLower | common::kUpper | common::kDigits, "-_.");
}

std::string newRequestId() {
  // Per-thread generator: no lock on the request path. The host is never unloaded, so a
  // thread_local is safe here.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<size_t>(i)] = hex[v & 15];
  return id;
}

}  // namespace portico::http
