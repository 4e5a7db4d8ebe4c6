/* SPDX-License-Identifier: Apache-2.0 */
// One JWT key: HS256 (a shared secret), RS256 (RSA >= 2048 bits) or ES256 (P-256). An asymmetric
// key loaded from a public-key PEM only verifies; from a private-key PEM it also signs.
// Immutable after construction and safe to use from many threads at once.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "portico/json.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace portico::auth {

enum class Algorithm { HS256, RS256, ES256 };

const char* toString(Algorithm alg);
// Throws KeyError for anything but the three names above ("none" included).
Algorithm algorithmFromString(std::string_view name);

class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SigningKey {
 public:
  // Throw KeyError naming the kid and what is wrong (short secret, wrong key type or curve,
  // unreadable PEM).
  static SigningKey fromSecret(std::string kid, std::string secret);
  static SigningKey fromPemFile(std::string kid, Algorithm alg, const std::string& path);

  const std::string& kid() const { return kid_; }
  Algorithm algorithm() const { return alg_; }
  bool canSign() const { return canSign_; }

  // The JWS signature of `input` (raw bytes: r||s for ES256). Throws KeyError if this key cannot
  // sign or OpenSSL fails.
  std::string sign(std::string_view input) const;
  // Constant-time for HS256; false for any malformed signature.
  bool verify(std::string_view input, std::string_view signature) const;

  // The public JWK (RFC 7517) of an asymmetric key; null for HS256, whose secret is never shown.
  json::Value publicJwk() const;

 private:
  SigningKey(std::string kid, Algorithm alg) : kid_(std::move(kid)), alg_(alg) {}

  std::string kid_;
  Algorithm alg_;
  bool canSign_ = false;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> pkey_;
};

}  // namespace portico::auth
