// SPDX-License-Identifier: Apache-2.0
#include "auth/SigningKey.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <cstdio>
#include <optional>
#include <vector>

#include "auth/Base64Url.h"

namespace portico::auth {
namespace {

constexpr size_t kMinSecretBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr int kP256Bytes = 32;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

std::shared_ptr<EVP_PKEY> readPem(const std::string& path, bool* isPrivate) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "r"), &std::fclose);
  if (!file) throw KeyError("cannot open key file " + path);
  EVP_PKEY* key = PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr);
  *isPrivate = key != nullptr;
  if (!key) {
    std::rewind(file.get());
    key = PEM_read_PUBKEY(file.get(), nullptr, nullptr, nullptr);
  }
  if (!key) throw KeyError("key file " + path + " holds no PEM private or public key");
  return std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
}

std::string bignumParam(EVP_PKEY* key, const char* name, int padTo) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw KeyError("cannot read key parameter");
  Bignum bn(raw);
  int size = padTo > 0 ? padTo : BN_num_bytes(bn.get());
  std::string out(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) != size) {
    throw KeyError("key parameter does not fit");
  }
  return out;
}

// HMAC-SHA256 of input under secret; nullopt if OpenSSL fails.
std::optional<std::string> hmacSha256(const std::string& secret, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len)) {
    return std::nullopt;
  }
  return std::string(reinterpret_cast<char*>(mac), len);
}

}  // namespace

const char* toString(Algorithm alg) {
  switch (alg) {
    case Algorithm::HS256:
      return "HS256";
    case Algorithm::RS256:
      return "RS256";
    case Algorithm::ES256:
      return "ES256";
  }
  return "?";
}

Algorithm algorithmFromString(std::string_view name) {
  if (name == "HS256") return Algorithm::HS256;
  if (name == "RS256") return Algorithm::RS256;
  if (name == "ES256") return Algorithm::ES256;
  throw KeyError("unsupported JWT algorithm '" + std::string(name) +
                 "' (HS256, RS256 and ES256 are allowed)");
}

SigningKey SigningKey::fromSecret(std::string kid, std::string secret) {
  if (secret.size() < kMinSecretBytes) {
    throw KeyError("HS256 key '" + kid + "' needs a secret of at least " +
                   std::to_string(kMinSecretBytes) + " bytes");
  }
  SigningKey key(std::move(kid), Algorithm::HS256);
  key.secret_ = std::move(secret);
  key.canSign_ = true;
  return key;
}

SigningKey SigningKey::fromPemFile(std::string kid, Algorithm alg, const std::string& path) {
  if (alg == Algorithm::HS256) throw KeyError("HS256 key '" + kid + "' takes a secret, not a file");
  SigningKey key(std::move(kid), alg);
  key.pkey_ = readPem(path, &key.canSign_);
  EVP_PKEY* p = key.pkey_.get();
  if (alg == Algorithm::RS256) {
    if (EVP_PKEY_get_base_id(p) != EVP_PKEY_RSA)
      throw KeyError("key '" + key.kid_ + "' in " + path + " is not an RSA key (RS256)");
    if (EVP_PKEY_get_bits(p) < kMinRsaBits)
      throw KeyError("RSA key '" + key.kid_ + "' has fewer than 2048 bits");
  } else {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_base_id(p) != EVP_PKEY_EC ||
        EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) !=
            1 ||
        std::string(group) != "prime256v1") {
      throw KeyError("key '" + key.kid_ + "' in " + path + " is not a P-256 EC key (ES256)");
    }
  }
  return key;
}

std::string SigningKey::sign(std::string_view input) const {
  if (!canSign_) throw KeyError("key '" + kid_ + "' has no private part and cannot sign");
  if (alg_ == Algorithm::HS256) {
    auto mac = hmacSha256(secret_, input);
    if (!mac) throw KeyError("HMAC failed");
    return *mac;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    throw KeyError("signing with key '" + kid_ + "' failed");
  }
  std::vector<unsigned char> der(len);
  if (EVP_DigestSign(ctx.get(), der.data(), &len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    throw KeyError("signing with key '" + kid_ + "' failed");
  }
  if (alg_ == Algorithm::RS256)
    return std::string(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(len));
  // JWS wants ECDSA as fixed-width r||s (RFC 7518 section 3.4), OpenSSL gives DER.
  const unsigned char* cursor = der.data();
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(len)));
  if (!sig) throw KeyError("ECDSA signature did not parse");
  std::string out(size_t{2} * kP256Bytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), bytes, kP256Bytes) != kP256Bytes ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), bytes + kP256Bytes, kP256Bytes) != kP256Bytes) {
    throw KeyError("ECDSA signature does not fit P-256");
  }
  return out;
}

bool SigningKey::verify(std::string_view input, std::string_view signature) const {
  if (alg_ == Algorithm::HS256) {
    auto mac = hmacSha256(secret_, input);
    return mac && signature.size() == mac->size() &&
           CRYPTO_memcmp(mac->data(), signature.data(), mac->size()) == 0;
  }
  std::string der;
  if (alg_ == Algorithm::RS256) {
    der = std::string(signature);
  } else {
    if (signature.size() != size_t{2} * kP256Bytes) return false;
    const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
    EcdsaSig sig(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(bytes, kP256Bytes, nullptr);
    BIGNUM* s = BN_bin2bn(bytes + kP256Bytes, kP256Bytes, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return false;
    }
    int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return false;
    der.resize(static_cast<size_t>(len));
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_ECDSA_SIG(sig.get(), &out);
  }
  MdCtx ctx(EVP_MD_CTX_new());
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

json::Value SigningKey::publicJwk() const {
  if (alg_ == Algorithm::HS256) return nullptr;
  json::Value jwk = json::object({{"kid", kid_}, {"alg", toString(alg_)}, {"use", "sig"}});
  if (alg_ == Algorithm::RS256) {
    jwk.set("kty", "RSA");
    jwk.set("n", base64UrlEncode(bignumParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_N, 0)));
    jwk.set("e", base64UrlEncode(bignumParam(pkey_.get(), OSSL_PKEY_PARAM_RSA_E, 0)));
  } else {
    jwk.set("kty", "EC");
    jwk.set("crv", "P-256");
    jwk.set("x", base64UrlEncode(bignumParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, kP256Bytes)));
    jwk.set("y", base64UrlEncode(bignumParam(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, kP256Bytes)));
  }
  return jwk;
}

}  // namespace portico::auth
