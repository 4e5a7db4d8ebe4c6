// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/PluginSignature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdio>
#include <string>

using namespace portico::lifecycle;

namespace {

// A fresh Ed25519 key pair written as PEM files; removed with the object.
struct KeyPair {
  std::string privatePem;
  std::string publicPem;
  KeyPair() {
    char dir[] = "/tmp/portico-sig-XXXXXX";
    std::string base = ::mkdtemp(dir);
    privatePem = base + "/key.pem";
    publicPem = base + "/key.pub";
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    FILE* f = std::fopen(privatePem.c_str(), "w");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    f = std::fopen(publicPem.c_str(), "w");
    PEM_write_PUBKEY(f, key);
    std::fclose(f);
    EVP_PKEY_free(key);
  }
  ~KeyPair() {
    std::remove(privatePem.c_str());
    std::remove(publicPem.c_str());
    ::rmdir(privatePem.substr(0, privatePem.rfind('/')).c_str());
  }
};

const SignedClaims kClaims{"hello", "1.0.0", std::string(64, 'a')};

}  // namespace

TEST(PluginSignature, ASignatureVerifiesOnlyForItsClaimsAndItsKey) {
  KeyPair mine;
  KeyPair other;
  PluginSignature s = signPlugin(mine.privatePem, kClaims);
  EXPECT_EQ(s.signature.size(), 64u);
  EXPECT_EQ(s.keyId.size(), 16u);
  PluginSignature read = PluginSignature::parse(s.dump());
  EXPECT_EQ(read.signature, s.signature);
  EXPECT_EQ(read.claims.sha256, kClaims.sha256);

  std::string why;
  EXPECT_TRUE(TrustedKeys::load({mine.publicPem}).verify(read, &why)) << why;
  EXPECT_FALSE(TrustedKeys::load({other.publicPem}).verify(read, &why));
  EXPECT_NE(why.find("does not list"), std::string::npos) << why;
  for (auto change : {&SignedClaims::name, &SignedClaims::version, &SignedClaims::sha256}) {
    PluginSignature altered = read;
    altered.claims.*change += "x";
    EXPECT_FALSE(TrustedKeys::load({mine.publicPem, other.publicPem}).verify(altered, &why));
    EXPECT_NE(why.find("does not verify"), std::string::npos) << why;
  }
}

TEST(PluginSignature, BadDocumentsAndKeysAreRefusedWithTheReason) {
  EXPECT_THROW(PluginSignature::parse("not json"), std::runtime_error);
  EXPECT_THROW(PluginSignature::parse(R"({"name":"x"})"), std::runtime_error);
  EXPECT_THROW(PluginSignature::parse(
                   R"({"name":"x","version":"1","sha256":"a","key":"k","signature":"%%%%"})"),
               std::runtime_error);
  KeyPair pair;
  try {
    TrustedKeys::load({pair.privatePem + ".missing"});
    FAIL() << "a missing key file was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(".missing"), std::string::npos);
  }
  EXPECT_THROW(TrustedKeys::load({pair.privatePem}), std::runtime_error);  // not a public key
}
