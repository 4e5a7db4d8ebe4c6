// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/PluginSignature.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <cstdio>
#include <stdexcept>

#include "portico/json.hpp"

namespace portico::lifecycle {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string unbase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) throw std::runtime_error("signature is not base64");
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) throw std::runtime_error("signature is not base64");
  size_t pad = 0;  // EVP_DecodeBlock counts the padding as zero bytes
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

Pkey readPem(const std::string& file, bool isPrivate) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (f == nullptr) throw std::runtime_error("cannot read key file " + file);
  Pkey key(isPrivate ? PEM_read_PrivateKey(f, nullptr, nullptr, nullptr)
                     : PEM_read_PUBKEY(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_ED25519) {
    throw std::runtime_error(file + " holds no Ed25519 " + (isPrivate ? "private" : "public") +
                             " key");
  }
  return key;
}

std::string keyIdOf(EVP_PKEY* key) {
  std::array<unsigned char, 32> raw{};
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1) {
    throw std::runtime_error("cannot read the raw public key");
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int dlen = 0;
  EVP_Digest(raw.data(), len, digest.data(), &dlen, EVP_sha256(), nullptr);
  std::string hex(16, '0');
  for (size_t i = 0; i < 8; ++i) std::snprintf(&hex[i * 2], 3, "%02x", digest[i]);
  return hex;
}

}  // namespace

struct TrustedKeys::Key {
  Pkey pkey;
  std::string id;
};

PluginSignature PluginSignature::parse(const std::string& text) {
  PluginSignature s;
  try {
    json::Value doc = json::parse(text);
    s.claims.name = doc.at("name").as_string();
    s.claims.version = doc.at("version").as_string();
    s.claims.sha256 = doc.at("sha256").as_string();
    s.keyId = doc.at("key").as_string();
    s.signature = unbase64(doc.at("signature").as_string());
  } catch (const json::ParseError& e) {
    throw std::runtime_error(std::string("signature file is not JSON: ") + e.what());
  } catch (const json::TypeError& e) {
    throw std::runtime_error(std::string("signature file: ") + e.what());
  }
  return s;
}

std::string PluginSignature::dump() const {
  return json::object({{"name", claims.name},
                       {"version", claims.version},
                       {"sha256", claims.sha256},
                       {"key", keyId},
                       {"signature", base64(signature)}})
             .dump() +
         "\n";
}

std::string signedMessage(const SignedClaims& claims) {
  return "portico-plugin-signature-v1\n" + claims.name + "\n" + claims.version + "\n" +
         claims.sha256 + "\n";
}

PluginSignature signPlugin(const std::string& privateKeyPem, const SignedClaims& claims) {
  Pkey key = readPem(privateKeyPem, true);
  std::string message = signedMessage(claims);
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    throw std::runtime_error("Ed25519 signing failed");
  }
  sig.resize(len);
  return PluginSignature{claims, keyIdOf(key.get()), sig};
}

TrustedKeys::TrustedKeys() = default;
TrustedKeys::~TrustedKeys() = default;
TrustedKeys::TrustedKeys(TrustedKeys&&) noexcept = default;
TrustedKeys& TrustedKeys::operator=(TrustedKeys&&) noexcept = default;

TrustedKeys TrustedKeys::load(const std::vector<std::string>& pemFiles) {
  TrustedKeys keys;
  for (const std::string& file : pemFiles) {
    auto key = std::make_unique<Key>();
    key->pkey = readPem(file, false);
    key->id = keyIdOf(key->pkey.get());
    keys.keys_.push_back(std::move(key));
  }
  return keys;
}

bool TrustedKeys::empty() const {
  return keys_.empty();
}

bool TrustedKeys::verify(const PluginSignature& signature, std::string* why) const {
  std::string message = signedMessage(signature.claims);
  for (const auto& key : keys_) {
    if (key->id != signature.keyId) continue;
    MdCtx ctx(EVP_MD_CTX_new());
    bool good = ctx &&
                EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->pkey.get()) == 1 &&
                EVP_DigestVerify(
                    ctx.get(), reinterpret_cast<const unsigned char*>(signature.signature.data()),
                    signature.signature.size(),
                    reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    if (good) return true;
    *why = "the signature by key " + signature.keyId + " does not verify";
    return false;
  }
  *why = "signed by key " + signature.keyId + ", which plugins.trusted_keys does not list";
  return false;
}

}  // namespace portico::lifecycle
