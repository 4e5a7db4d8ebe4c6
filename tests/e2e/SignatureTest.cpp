// SPDX-License-Identifier: Apache-2.0
// Signed plugins: porticoctl signs with an Ed25519 key made by openssl; porticod with
// plugins.require_signature loads only what a trusted key signed over those very bytes, and
// refuses the rest with the reason while the running generation goes on serving.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <string>

#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

// A directory of its own with two Ed25519 key pairs (trusted, other) and copies of the plugins.
struct Keys {
  std::string dir;
  Keys() {
    char pattern[] = "/tmp/portico-keys-XXXXXX";
    dir = ::mkdtemp(pattern);
    for (const char* name : {"trusted", "other"}) {
      std::string key = dir + "/" + name;
      auto [code, out] = e2e::runCommand("openssl genpkey -algorithm ed25519 -out " + key +
                                         ".pem && openssl pkey -in " + key + ".pem -pubout -out " +
                                         key + ".pub 2>&1");
      EXPECT_EQ(code, 0) << out;
    }
  }
  ~Keys() { e2e::runCommand("rm -rf " + dir); }
  // A copy of a built plugin in the key dir, signed with `key` unless empty.
  std::string plugin(const std::string& from, const std::string& as, const std::string& key) {
    std::string path = dir + "/" + as;
    e2e::runCommand("cp " + from + " " + path + " && rm -f " + path + ".sig");
    if (!key.empty()) {
      auto [code, out] = e2e::runCommand(std::string(PORTICOCTL_BINARY) + " sign " + dir + "/" +
                                         key + ".pem " + path + " 2>&1");
      EXPECT_EQ(code, 0) << out;
      EXPECT_EQ(out.rfind("signed ", 0), 0u) << out;
    }
    return path;
  }
};

}  // namespace

TEST(Signatures, OnlyWhatATrustedKeySignedOverTheseBytesIsLoaded) {
  Keys keys;
  std::string signedHello = keys.plugin(e2e::pluginPath("hello.so"), "hello.so", "trusted");
  Porticod p(
      {{{signedHello, "hello.so"}, {signedHello + ".sig", "hello.so.sig"}},
       {{"plugins.trusted_keys", keys.dir + "/trusted.pub"}, {"plugins.require_signature", "true"}},
       {},
       true});
  ASSERT_EQ(e2e::helloVersion(p), "1.0.0");

  std::string unsigned2 = keys.plugin(e2e::fixturePath("hello_v2.so"), "unsigned.so", "");
  auto [code, out] = e2e::porticoctl(p, "install hello " + unsigned2);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("is unsigned"), std::string::npos) << out;

  std::string untrusted = keys.plugin(e2e::fixturePath("hello_v2.so"), "untrusted.so", "other");
  std::tie(code, out) = e2e::porticoctl(p, "install hello " + untrusted);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("which plugins.trusted_keys does not list"), std::string::npos) << out;

  // Signed, then changed: the signature is for other bytes.
  std::string tampered = keys.plugin(e2e::fixturePath("hello_v2.so"), "tampered.so", "trusted");
  std::ofstream(tampered, std::ios::app | std::ios::binary) << '\0';
  std::tie(code, out) = e2e::porticoctl(p, "install hello " + tampered);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("is not the file its signature is for"), std::string::npos) << out;

  // A signature whose bytes were altered does not verify.
  std::string forged = keys.plugin(e2e::fixturePath("hello_v2.so"), "forged.so", "trusted");
  {
    std::string doc = e2e::readFile(forged + ".sig");
    size_t at = doc.find("\"signature\":\"") + 13;
    doc[at] = doc[at] == 'A' ? 'B' : 'A';
    std::ofstream(forged + ".sig", std::ios::trunc) << doc;
  }
  std::tie(code, out) = e2e::porticoctl(p, "install hello " + forged);
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("does not verify"), std::string::npos) << out;

  EXPECT_EQ(e2e::helloVersion(p), "1.0.0") << "a refused plugin replaced the running one";

  std::string good = keys.plugin(e2e::fixturePath("hello_v2.so"), "good.so", "trusted");
  std::tie(code, out) = e2e::porticoctl(p, "install hello " + good);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(e2e::helloVersion(p), "2.0.0");
  // The signature went with the file: a restart loads it again.
  std::ifstream kept(p.pluginDir() + "/hello.so.sig");
  EXPECT_TRUE(kept.good());
}

TEST(Signatures, WithoutRequireSignatureAnUnsignedPluginLoadsButABadSignatureStillRefuses) {
  Keys keys;
  Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
              {{"plugins.trusted_keys", keys.dir + "/trusted.pub"}},
              {},
              true});
  ASSERT_EQ(e2e::helloVersion(p), "1.0.0");
  std::string untrusted = keys.plugin(e2e::fixturePath("hello_v2.so"), "untrusted.so", "other");
  auto [code, out] = e2e::porticoctl(p, "install hello " + untrusted);
  EXPECT_NE(code, 0) << out;
  EXPECT_EQ(e2e::helloVersion(p), "1.0.0");
  std::string plain = keys.plugin(e2e::fixturePath("hello_v2.so"), "plain.so", "");
  std::tie(code, out) = e2e::porticoctl(p, "install hello " + plain);
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(e2e::helloVersion(p), "2.0.0");
}

TEST(Signatures, TheLastGoodVersionKeepsItsSignatureAndServesAfterACrash) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan keeps SIGSEGV for its own report (CrashTest.cpp)";
#endif
  Keys keys;
  std::string v1 = keys.plugin(e2e::fixturePath("crashy_v1.so"), "crashy.so", "trusted");
  Porticod::Options options{{{v1, "crashy.so"}, {v1 + ".sig", "crashy.so.sig"}},
                            {{"database.url", ""},
                             {"redis.url", ""},
                             {"plugins.trusted_keys", keys.dir + "/trusted.pub"},
                             {"plugins.require_signature", "true"}},
                            {},
                            true};
  Porticod p(options);
  auto crashyVersion = [&] {
    auto r = e2e::get(p.port(), "/crashy/version");
    return r.status == 200 ? r.json().at("version").as_string() : r.body;
  };
  ASSERT_EQ(crashyVersion(), "1.0.0");
  std::string v2 = keys.plugin(e2e::fixturePath("crashy_v2.so"), "crashy_v2.so", "trusted");
  auto [code, out] = e2e::porticoctl(p, "install crashy " + v2);
  ASSERT_EQ(code, 0) << out;
  ASSERT_EQ(crashyVersion(), "2.0.0");
  try {
    e2e::request(p.port(), "GET", "/crashy/boom");
  } catch (const std::exception&) {
    // the process died under the request
  }
  EXPECT_EQ(p.waitExit(10000), 128 + SIGSEGV);
  p.relaunch(options);
  EXPECT_EQ(crashyVersion(), "1.0.0") << p.logs();
}
