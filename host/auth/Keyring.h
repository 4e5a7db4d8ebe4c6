/* SPDX-License-Identifier: Apache-2.0 */
// The keys that sign and verify tokens, read from config once at start:
//   auth.keys         = k2, k1          every kid that verifies ([a-z0-9]{1,32})
//   auth.signing_key  = k2              the one that signs new tokens
//   auth.key.<kid>.alg    = ES256 | RS256 | HS256
//   auth.key.<kid>.file   = PEM private key (signs and verifies) or public key (verifies only)
//   auth.key.<kid>.secret = HS256 secret, at least 32 bytes (from the environment only:
//                           PORTICO_AUTH_KEY_<KID>_SECRET)
// Rotation: add the new kid, make it the signing key, keep the old kid listed until the last
// token it signed has expired (auth.max_ttl_s), then drop it.
#pragma once

#include <map>
#include <string>

#include "auth/SigningKey.h"

namespace portico::config {
class Config;
}

namespace portico::auth {

class Keyring {
 public:
  Keyring() = default;
  // Movable only: signer_ points into keys_, whose nodes a move keeps and a copy would not.
  Keyring(Keyring&&) = default;
  Keyring& operator=(Keyring&&) = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;
  // Throws config::ConfigError naming the key at fault.
  static Keyring fromConfig(const config::Config& config);

  void add(SigningKey key);
  // Throws KeyError if kid is unknown or cannot sign.
  void setSigner(const std::string& kid);

  const SigningKey* find(const std::string& kid) const;
  const SigningKey* signer() const { return signer_; }
  bool empty() const { return keys_.empty(); }

  // {"keys":[...]} with the public JWK of every asymmetric key.
  const std::string& jwks() const { return jwks_; }

 private:
  std::map<std::string, SigningKey> keys_;
  const SigningKey* signer_ = nullptr;
  std::string jwks_ = R"({"keys":[]})";
};

}  // namespace portico::auth
