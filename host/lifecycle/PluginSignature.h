/* SPDX-License-Identifier: Apache-2.0 */
// Signed plugins: an Ed25519 signature (OpenSSL) over a plugin's bytes and the name and version
// it declares, kept beside it as <file>.so.sig. The host checks it against the public keys of
// plugins.trusted_keys before it opens the library (a library runs code as soon as it is
// opened), and the declared name and version against the signed ones once it has.
//   {"name": "hello", "version": "1.0.0", "sha256": "<hex of the .so>",
//    "key": "<key id>", "signature": "<base64 of 64 bytes>"}
// The key id is the first 16 hex digits of the SHA-256 of the raw public key.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace portico::lifecycle {

struct SignedClaims {
  std::string name;
  std::string version;
  std::string sha256;  // lower-case hex of the plugin file
};

struct PluginSignature {
  SignedClaims claims;
  std::string keyId;
  std::string signature;  // raw bytes

  // Throws std::runtime_error saying what is wrong with the document.
  static PluginSignature parse(const std::string& json);
  std::string dump() const;
};

// What is signed: a fixed label and the claims, one per line, so that no claim can be moved
// into another.
std::string signedMessage(const SignedClaims& claims);

// Signs claims with the Ed25519 private key in a PEM file. Throws std::runtime_error.
PluginSignature signPlugin(const std::string& privateKeyPem, const SignedClaims& claims);

class TrustedKeys {
 public:
  TrustedKeys();
  ~TrustedKeys();
  TrustedKeys(TrustedKeys&&) noexcept;
  TrustedKeys& operator=(TrustedKeys&&) noexcept;

  // Ed25519 public keys, one PEM file each. Throws std::runtime_error naming a file that is
  // unreadable or holds no Ed25519 public key.
  static TrustedKeys load(const std::vector<std::string>& pemFiles);

  bool empty() const;
  // True when a trusted key made the signature over these claims; else why not.
  bool verify(const PluginSignature& signature, std::string* why) const;

 private:
  struct Key;
  std::vector<std::unique_ptr<Key>> keys_;
};

}  // namespace portico::lifecycle
