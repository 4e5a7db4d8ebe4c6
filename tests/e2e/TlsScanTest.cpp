// SPDX-License-Identifier: Apache-2.0
// Debian's testssl.sh against porticod's HTTPS listener, holding a certificate shaped like a public
// CA's (ECDSA P-256, 90 days, random serial, CRL distribution point) whose CA testssl is told to
// trust. Any finding of severity HIGH or CRITICAL fails. About a minute: run once, in the dev
// build (the sanitizer runs leave e2e.TlsScan out).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <map>
#include <string>

#include "Http.h"
#include "Porticod.h"
#include "Tls.h"

TEST(TlsScan, TestsslFindsNothingOfSeverityHighOrCritical) {
  char pattern[] = "/tmp/portico-testssl-XXXXXX";
  std::string dir = ::mkdtemp(pattern);
  e2e::TestCa ca(dir, "ca");
  auto files = ca.server("server", e2e::randomSerial());
  e2e::Porticod p({{{e2e::pluginPath("hello.so"), "hello.so"}},
                   {{"http.tls.cert_file", files.cert},
                    {"http.tls.key_file", files.key},
                    {"http.tls.hsts", "max-age=63072000"}},
                   {},
                   false});
  ASSERT_TRUE(e2e::httpsReady(p.port(), ca.file())) << p.logs();

  std::string report = dir + "/testssl.json";
  auto [code, out] =
      e2e::runCommand("timeout 600 testssl --quiet --color 0 --warnings off --add-ca " + ca.file() +
                      " --jsonfile " + report + " https://127.0.0.1:" + std::to_string(p.port()) +
                      "/hello/scan 2>&1");
  auto findings = portico::json::parse(e2e::readFile(report));
  std::map<std::string, int> bySeverity;
  std::string serious;
  for (const auto& f : findings.as_array()) {
    const std::string& severity = f.at("severity").as_string();
    ++bySeverity[severity];
    if (severity == "HIGH" || severity == "CRITICAL") {
      serious +=
          severity + " " + f.at("id").as_string() + ": " + f.at("finding").as_string() + "\n";
    }
  }
  std::string summary;
  for (const auto& [severity, n] : bySeverity) summary += " " + severity + "=" + std::to_string(n);
  std::printf("testssl findings:%s\n", summary.c_str());
  EXPECT_GT(bySeverity["OK"], 10) << "testssl ran its checks\n" << out;
  EXPECT_EQ(serious, "") << out;
  e2e::runCommand("rm -rf " + dir);
}
