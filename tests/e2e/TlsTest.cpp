// SPDX-License-Identifier: Apache-2.0
// HTTPS in porticod itself (http.tls.*, admin.tls.*), checked with real tools: openssl s_client
// for protocols, ALPN, resumption and the serial served; curl for what an old client gets; node's
// `ws` for a WebSocket over TLS; Poco's HTTPS client for load while certificates change.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "Eventually.h"
#include "Http.h"
#include "Porticod.h"
#include "RequestLoop.h"
#include "Tls.h"

using e2e::Porticod;

namespace {

struct TlsDir {
  TlsDir() {
    char pattern[] = "/tmp/portico-tls-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TlsDir() { e2e::runCommand("rm -rf " + path); }
  std::string path;
};

std::string sClient(uint16_t port, const std::string& flags) {
  return e2e::runCommand("openssl s_client -connect 127.0.0.1:" + std::to_string(port) + " " +
                         flags + " </dev/null 2>&1")
      .second;
}

// porticod serving `files` on its public listener; ready once /ready answers over HTTPS.
std::unique_ptr<Porticod> tlsHost(const e2e::TestCa& ca, const e2e::CertificateFiles& files,
                                  std::map<std::string, std::string> extra = {},
                                  std::vector<std::pair<std::string, std::string>> plugins = {
                                      {e2e::pluginPath("hello.so"), "hello.so"}}) {
  std::map<std::string, std::string> config = {{"http.tls.cert_file", files.cert},
                                               {"http.tls.key_file", files.key}};
  for (auto& [k, v] : extra) config[k] = v;
  auto p = std::make_unique<Porticod>(Porticod::Options{std::move(plugins), config, {}, false});
  if (!e2e::httpsReady(p->port(), ca.file()))
    throw std::runtime_error("porticod with TLS did not become ready:\n" + p->logs());
  return p;
}

std::pair<int, std::string> ctl(const Porticod& p, const std::string& args,
                                const std::string& url) {
  return e2e::runCommand("PORTICO_ADMIN_URL=" + url + " PORTICO_ADMIN_TOKEN=" + p.token() + " " +
                         PORTICOCTL_BINARY + " " + args + " 2>&1");
}

}  // namespace

TEST(Tls, HttpsSpeaksTls12And13OnlyWithAlpnHstsAndResumption) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  auto files = ca.server("server", e2e::randomSerial());
  auto p = tlsHost(ca, files, {{"http.tls.hsts", "max-age=63072000; includeSubDomains"}});

  auto reply = e2e::httpsGet(p->port(), "/hello/x", ca.file());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json().at("scheme").as_string(), "https") << reply.body;
  EXPECT_EQ(reply.headers["strict-transport-security"], "max-age=63072000; includeSubDomains");

  EXPECT_NE(sClient(p->port(), "-tls1_3").find("New, TLSv1.3"), std::string::npos);
  EXPECT_NE(sClient(p->port(), "-tls1_2").find("New, TLSv1.2"), std::string::npos);
  auto alpn = sClient(p->port(), "-alpn h2,http/1.1");
  EXPECT_NE(alpn.find("ALPN protocol: http/1.1"), std::string::npos) << alpn;
  auto h2Only = sClient(p->port(), "-alpn h2");
  EXPECT_NE(h2Only.find("No ALPN negotiated"), std::string::npos) << h2Only;

  // What an old client gets: no handshake at all.
  std::string url = "https://127.0.0.1:" + std::to_string(p->port()) + "/hello/x";
  auto [old, oldOut] = e2e::runCommand("curl -sS --cacert " + ca.file() +
                                       " --tlsv1.1 --tls-max 1.1 " + url + " 2>&1");
  EXPECT_NE(old, 0) << oldOut;
  auto [modern, modernOut] =
      e2e::runCommand("curl -sS --cacert " + ca.file() + " --tlsv1.2 " + url);
  EXPECT_EQ(modern, 0) << modernOut;
  EXPECT_NE(modernOut.find("\"scheme\":\"https\""), std::string::npos) << modernOut;
  // Plain HTTP on the TLS port is no request.
  EXPECT_THROW(e2e::get(p->port(), "/hello/x"), std::exception);

  // Resumption: a session saved from one connection is taken up by the next (1.2: session id,
  // 1.3: ticket, which arrives after the handshake, hence the pause).
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    std::string session = dir.path + "/session" + version + ".pem";
    std::string keepOpen = std::string("sleep 0.5 | openssl s_client -connect 127.0.0.1:") +
                           std::to_string(p->port()) + " " + version;
    e2e::runCommand(keepOpen + " -sess_out " + session + " >/dev/null 2>&1");
    auto [code, resumed] = e2e::runCommand(keepOpen + " -sess_in " + session + " 2>&1");
    EXPECT_NE(resumed.find("Reused, TLSv1."), std::string::npos) << version << "\n" << resumed;
  }
}

TEST(Tls, StreamsAndBodiesRunOverTlsToo) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  auto p = tlsHost(ca, ca.server("server", e2e::randomSerial()), {},
                   {{e2e::fixturePath("streams_v1.so"), "streams.so"}});
  std::string base = "127.0.0.1:" + std::to_string(p->port());

  auto [wsCode, ws] =
      e2e::runCommand("NODE_EXTRA_CA_CERTS=" + ca.file() +
                      " NODE_PATH=/usr/share/nodejs node " STREAMS_SCRIPTS "/ws-echo.js wss://" +
                      base + "/streams/ws");
  ASSERT_EQ(wsCode, 0) << ws;
  auto echoed = portico::json::parse(ws);
  EXPECT_EQ(echoed.at("texts").as_array().at(0).as_string(), "hello, ünïcode");
  EXPECT_EQ(echoed.at("code").as_int(), 4000);

  auto [sseCode, sse] = e2e::runCommand("curl -sS -N --max-time 2 --cacert " + ca.file() +
                                        " https://" + base + "/streams/sse?count=3");
  EXPECT_NE(sse.find("data: event 3"), std::string::npos) << sse;

  // A 3 MiB body the handler reads as it arrives: the worker's reads go through TLS.
  std::string body(3 << 20, 'x');
  auto session = e2e::httpsSession(p->port(), ca.file());
  auto upload = e2e::exchange(*session, "PUT", "/streams/upload", body);
  ASSERT_EQ(upload.status, 200) << upload.body;
  EXPECT_EQ(upload.json().at("bytes").as_int(), static_cast<int64_t>(body.size()));
}

TEST(Tls, APlainListenerRedirectsOrServesAndOnlyATrustedProxySaysHttps) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  auto files = ca.server("server", e2e::randomSerial());
  uint16_t plainPort = e2e::freePort();
  auto p = tlsHost(ca, files, {{"http.tls.plain_port", std::to_string(plainPort)}});
  auto moved =
      e2e::request(plainPort, "POST", "/hello/x?a=1", "body", {{"Host", "api.example.com:8080"}});
  EXPECT_EQ(moved.status, 308);
  EXPECT_EQ(moved.headers["location"],
            "https://api.example.com:" + std::to_string(p->port()) + "/hello/x?a=1");
  auto forged = e2e::request(plainPort, "GET", "/hello/x", "", {{"Host", "evil.com/\"x"}});
  EXPECT_EQ(forged.status, 400) << forged.body;

  uint16_t servePort = e2e::freePort();
  auto serving = tlsHost(
      ca, files, {{"http.tls.plain_port", std::to_string(servePort)}, {"http.tls.plain", "serve"}});
  auto plain = e2e::get(servePort, "/hello/x");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.json().at("scheme").as_string(), "http");
  EXPECT_TRUE(plain.headers.count("strict-transport-security") == 0) << "HSTS only over TLS";
  // 127.0.0.1 is a trusted proxy by default: its X-Forwarded-Proto counts.
  auto proxied = e2e::request(servePort, "GET", "/hello/x", "", {{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(proxied.json().at("scheme").as_string(), "https");

  Porticod untrusting({{{e2e::pluginPath("hello.so"), "hello.so"}},
                       {{"http.trusted_proxies", "10.0.0.1"}},
                       {},
                       true});
  auto claimed =
      e2e::request(untrusting.port(), "GET", "/hello/x", "", {{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(claimed.json().at("scheme").as_string(), "http");
}

TEST(Tls, CertificatesSwappedUnderLoadServeNewHandshakesWithoutOneFailedRequest) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  auto first = ca.server("first", "1001");
  std::string cert = dir.path + "/live.pem";
  std::string key = dir.path + "/live.key";
  e2e::runCommand("cp " + first.cert + " " + cert + " && cp " + first.key + " " + key);
  auto p = tlsHost(ca, {cert, key}, {{"http.tls.watch_ms", "200"}});
  ASSERT_EQ(e2e::servedSerial(p->port()), "1001");

  auto hello = [](Poco::Net::HTTPClientSession& s) {
    auto r = e2e::exchange(s, "GET", "/hello/x");
    return r.status == 200 && r.json().at("scheme").as_string() == "https";
  };
  std::vector<std::unique_ptr<e2e::RequestLoop>> load;
  // Kept-alive clients keep the connection (and certificate) they started with...
  for (int i = 0; i < 3; ++i) {
    auto session =
        std::shared_ptr<Poco::Net::HTTPSClientSession>(e2e::httpsSession(p->port(), ca.file()));
    load.push_back(std::make_unique<e2e::RequestLoop>(
        [session, hello](uint64_t) { return hello(*session); }, 60));
  }
  // ...one client handshakes for every request.
  load.push_back(std::make_unique<e2e::RequestLoop>(
      [&, port = p->port()](uint64_t) { return hello(*e2e::httpsSession(port, ca.file())); }, 60,
      5));
  // Every client has had answers since the last change: each reload happened under load.
  auto everyClientServedAgain = [&load] {
    std::vector<uint64_t> before;
    for (auto& l : load) before.push_back(l->ok());
    return e2e::eventually([&] {
      for (size_t i = 0; i < load.size(); ++i) {
        if (load[i]->ok() < before[i] + 2) return false;
      }
      return true;
    });
  };

  // 1. An ACME client writes the renewed files: the watch serves them.
  auto second = ca.server("second", "2002");
  e2e::runCommand("cp " + second.cert + " " + cert + ".new && mv " + cert + ".new " + cert +
                  " && cp " + second.key + " " + key + ".new && mv " + key + ".new " + key);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10),
                              [&] { return e2e::servedSerial(p->port()) == "2002"; }));
  EXPECT_TRUE(everyClientServedAgain());
  // 2. SIGHUP (the watch may see the files first; only a reload asked for logs "reloaded").
  auto third = ca.server("third", "3003");
  e2e::runCommand("cp " + third.cert + " " + cert + " && cp " + third.key + " " + key);
  ::kill(p->pid(), SIGHUP);
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(10), [&] {
    return p->logs().find("TLS reloaded: serving certificate serial 3003") != std::string::npos;
  })) << p->logs();
  EXPECT_EQ(e2e::servedSerial(p->port()), "3003");
  EXPECT_TRUE(everyClientServedAgain());
  // 3. The admin API, through porticoctl.
  auto fourth = ca.server("fourth", "4004");
  e2e::runCommand("cp " + fourth.cert + " " + cert + " && cp " + fourth.key + " " + key);
  auto [code, out] = ctl(*p, "tls reload", "http://127.0.0.1:" + std::to_string(p->adminPort()));
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("serving certificate serial 4004"), std::string::npos) << out;
  EXPECT_EQ(e2e::servedSerial(p->port()), "4004");
  EXPECT_TRUE(everyClientServedAgain());
  uint64_t ok = 0;
  for (auto& l : load) {
    l->stop();
    EXPECT_EQ(l->failures(), 0u) << l->firstError();
    EXPECT_GT(l->ok(), 0u);
    ok += l->ok();
  }
  std::printf("requests during three certificate swaps: %llu, 0 failed\n",
              static_cast<unsigned long long>(ok));
}

TEST(Tls, AMismatchedKeyABrokenOrExpiredCertificateIsRefusedAndTheOldOneServes) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  auto good = ca.server("good", "1001");
  auto other = ca.server("other", "2002");
  std::string cert = dir.path + "/live.pem";
  std::string key = dir.path + "/live.key";
  e2e::runCommand("cp " + good.cert + " " + cert + " && cp " + good.key + " " + key);
  auto p = tlsHost(ca, {cert, key}, {{"http.tls.watch_ms", "0"}});
  std::string adminUrl = "http://127.0.0.1:" + std::to_string(p->adminPort());

  e2e::runCommand("cp " + other.cert + " " + cert);  // the key stays good's
  auto [code, out] = ctl(*p, "tls reload", adminUrl);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("does not match the certificate"), std::string::npos) << out;
  EXPECT_NE(out.find("still serving serial 1001"), std::string::npos) << out;
  EXPECT_EQ(e2e::servedSerial(p->port()), "1001");

  e2e::runCommand("echo 'not a certificate' > " + cert);
  auto [broken, brokenOut] = ctl(*p, "tls reload", adminUrl);
  EXPECT_EQ(broken, 1) << brokenOut;
  EXPECT_NE(brokenOut.find("cannot use the certificate chain in " + cert), std::string::npos)
      << brokenOut;
  EXPECT_EQ(e2e::httpsGet(p->port(), "/hello/x", ca.file()).status, 200);
  EXPECT_EQ(e2e::servedSerial(p->port()), "1001");

  auto expired = ca.server("expired", "5005", -1);
  e2e::runCommand("cp " + expired.cert + " " + cert + " && cp " + expired.key + " " + key);
  auto [late, lateOut] = ctl(*p, "tls reload", adminUrl);
  EXPECT_EQ(late, 1) << lateOut;
  EXPECT_NE(lateOut.find("expired on"), std::string::npos) << lateOut;
  EXPECT_EQ(e2e::servedSerial(p->port()), "1001");

  auto [shown, shownOut] = ctl(*p, "tls", adminUrl);
  EXPECT_EQ(shown, 0) << shownOut;
  EXPECT_NE(shownOut.find("\"serial\":\"1001\""), std::string::npos) << shownOut;

  // At start, the same mistakes stop porticod with the reason rather than serve plain HTTP.
  Porticod refused(
      {{}, {{"http.tls.cert_file", other.cert}, {"http.tls.key_file", good.key}}, {}, false});
  EXPECT_NE(refused.waitExit(10000), 0);
  EXPECT_NE(refused.logs().find("does not match the certificate"), std::string::npos)
      << refused.logs();
}

TEST(Tls, TheAdminListenerWantsAClientCertificateFromItsCaAndStillTheToken) {
  TlsDir dir;
  e2e::TestCa ca(dir.path, "ca");
  e2e::TestCa clients(dir.path, "clients");
  e2e::TestCa stranger(dir.path, "stranger");
  auto server = ca.server("server", e2e::randomSerial());
  auto operatorCert = clients.client("operator");
  auto strangerCert = stranger.client("mallory");
  auto p = tlsHost(ca, server,
                   {{"admin.tls.cert_file", server.cert},
                    {"admin.tls.key_file", server.key},
                    {"admin.tls.client_ca_file", clients.file()}});
  std::string url = "https://127.0.0.1:" + std::to_string(p->adminPort()) + "/admin/plugins";
  std::string curl = "curl -sS -o /dev/null -w '%{http_code}' --cacert " + ca.file() + " ";

  auto [none, noneOut] = e2e::runCommand(curl + url + " 2>&1");
  EXPECT_NE(none, 0) << "no client certificate: no handshake " << noneOut;
  auto [wrong, wrongOut] = e2e::runCommand(curl + "--cert " + strangerCert.cert + " --key " +
                                           strangerCert.key + " " + url + " 2>&1");
  EXPECT_NE(wrong, 0) << "a certificate of another CA: no handshake " << wrongOut;
  std::string withCert = curl + "--cert " + operatorCert.cert + " --key " + operatorCert.key + " ";
  auto [noToken, noTokenOut] = e2e::runCommand(withCert + url);
  EXPECT_EQ(noTokenOut, "401") << "the certificate alone is not enough";
  auto [both, bothOut] =
      e2e::runCommand(withCert + "-H 'Authorization: Bearer " + p->token() + "' " + url);
  EXPECT_EQ(bothOut, "200");

  std::string adminUrl = "https://127.0.0.1:" + std::to_string(p->adminPort());
  auto [listed, listedOut] = ctl(*p,
                                 "--cert " + operatorCert.cert + " --key " + operatorCert.key +
                                     " --cacert " + ca.file() + " list",
                                 adminUrl);
  EXPECT_EQ(listed, 0) << listedOut;
  EXPECT_NE(listedOut.find("\"hello\""), std::string::npos) << listedOut;
  // The same from the environment, and an install: its upload is read through TLS.
  auto [installed, installedOut] = e2e::runCommand(
      "PORTICO_ADMIN_URL=" + adminUrl + " PORTICO_ADMIN_TOKEN=" + p->token() +
      " PORTICO_ADMIN_CERT=" + operatorCert.cert + " PORTICO_ADMIN_KEY=" + operatorCert.key +
      " PORTICO_ADMIN_CACERT=" + ca.file() + " " + PORTICOCTL_BINARY + " install hello " +
      e2e::fixturePath("hello_v2.so") + " 2>&1");
  EXPECT_EQ(installed, 0) << installedOut;
  EXPECT_EQ(e2e::httpsGet(p->port(), "/hello/x", ca.file()).json().at("plugin_version").as_string(),
            "2.0.0");
  auto [unverified, unverifiedOut] =
      ctl(*p, "--cert " + operatorCert.cert + " --key " + operatorCert.key + " list", adminUrl);
  EXPECT_NE(unverified, 0) << "porticod's certificate is not from a system CA " << unverifiedOut;
}
