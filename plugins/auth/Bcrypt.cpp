// SPDX-License-Identifier: Apache-2.0
#include "Bcrypt.h"

#include <crypt.h>

#include <memory>
#include <stdexcept>

namespace auth_plugin {
namespace {

// crypt_rn needs a NUL-terminated phrase; the policy has already refused embedded NULs.
std::string computed(std::string_view password, const char* setting) {
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the stack
  std::string phrase(password);
  const char* out = crypt_rn(phrase.c_str(), setting, data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return {};
  return out;
}

}  // namespace

std::string bcryptHash(std::string_view password, int cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, setting,
                       sizeof setting) == nullptr) {
    throw std::runtime_error("crypt_gensalt_rn failed for bcrypt cost " + std::to_string(cost));
  }
  std::string hash = computed(password, setting);
  if (hash.empty()) throw std::runtime_error("bcrypt hashing failed");
  return hash;
}

bool bcryptVerify(std::string_view password, const std::string& hash) {
  std::string again = computed(password, hash.c_str());
  if (again.empty() || again.size() != hash.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < hash.size(); ++i) diff |= static_cast<unsigned char>(again[i] ^ hash[i]);
  return diff == 0;
}

}  // namespace auth_plugin
