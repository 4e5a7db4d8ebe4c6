// SPDX-License-Identifier: Apache-2.0
// Outbound HTTP through the host's client, seen from a plugin (tests/fixtures/fetcher.cpp)
// calling a real peer on loopback (HttpPeer, and openssl s_server for TLS): the allow-list,
// retries with Retry-After, the circuit breaker, deadlines, streamed bodies, redirects, TLS
// verification, the trace header, metrics, and a hot swap in the middle of a call.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <thread>

#include "Eventually.h"
#include "Generations.h"
#include "Http.h"
#include "HttpPeer.h"
#include "Porticod.h"
#include "portico/plugin.h"

using e2e::Porticod;
namespace json = portico::json;

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kDlcloseUnmaps = false;  // see HotSwapTest.cpp
#else
constexpr bool kDlcloseUnmaps = true;
#endif

Porticod::Options fetcherHost(const std::string& allow,
                              std::map<std::string, std::string> more = {},
                              const std::string& build = "fetcher_v1.so") {
  more["plugin.fetcher.outbound.allow"] = allow;
  return {{{e2e::fixturePath(build), "fetcher.so"}}, more, {}, true};
}

// The fetcher's report of one call it made.
json::Value fetch(const Porticod& p, const json::Value& call,
                  const std::map<std::string, std::string>& headers = {}) {
  auto r = e2e::request(p.port(), "POST", "/fetch", call.dump(), headers);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

// The peer's status, or -1 when the call was not made (the report then has an error).
int64_t statusOf(const json::Value& report) {
  const json::Value* s = report.find("status");
  return s == nullptr ? -1 : s->as_int();
}

int64_t errorOf(const json::Value& report) {
  const json::Value* e = report.find("error");
  return e == nullptr ? 0 : e->as_int();
}

}  // namespace

TEST(Outbound, NothingIsReachableUntilTheAllowListNamesIt) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost(""));
  auto denied = fetch(p, json::object({{"url", peer.url("/ok")}}));
  EXPECT_EQ(errorOf(denied), PORTICO_ERR_DENIED) << denied.dump();
  EXPECT_NE(denied.at("message").as_string().find("outbound.allow"), std::string::npos);
  EXPECT_EQ(peer.hits("/ok"), 0);
  EXPECT_GE(e2e::metric(p.port(), "portico_outbound_requests_total{host=\"127.0.0.1:" +
                                      std::to_string(peer.port()) +
                                      "\",plugin=\"fetcher\",status=\"denied\"}"),
            1);

  Porticod allowed(fetcherHost("127.0.0.1:" + std::to_string(peer.port())));
  auto ok = fetch(allowed, json::object({{"url", peer.url("/ok")}}));
  EXPECT_EQ(statusOf(ok), 200) << ok.dump();
  // Another port of the same host is another destination.
  auto other = fetch(allowed, json::object({{"url", "http://127.0.0.1:1/ok"}}));
  EXPECT_EQ(errorOf(other), PORTICO_ERR_DENIED) << other.dump();
  // Plain http:// leaves loopback only where the operator wrote the scheme.
  Porticod remote(fetcherHost("example.com"));
  auto plain = fetch(remote, json::object({{"url", "http://example.com/"}}));
  EXPECT_EQ(errorOf(plain), PORTICO_ERR_DENIED) << plain.dump();
}

TEST(Outbound, MetadataAndLinkLocalAddressesAreRefusedEvenWhenAllowed) {
  // The check is made on the address being connected to, so a name that resolves there is
  // refused the same way; this machine's resolver cannot be made to, so the address is named.
  Porticod p(fetcherHost("http://169.254.169.254, http://[fe80::1]"));
  for (const char* url : {"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/"}) {
    auto r = fetch(p, json::object({{"url", url}, {"timeout_ms", 2000}}));
    EXPECT_EQ(errorOf(r), PORTICO_ERR_DENIED) << url << ": " << r.dump();
  }
}

TEST(Outbound, A429WithRetryAfterIsRetriedAfterTheWaitItAsks) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  auto start = std::chrono::steady_clock::now();
  auto r = fetch(p, json::object({{"url", peer.url("/flaky/a?fail=1&status=429&retry_after=1")},
                                  {"attempts", 3}}));
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(statusOf(r), 200) << r.dump();
  EXPECT_EQ(r.at("body").as_string(), "recovered");
  EXPECT_EQ(peer.hits("/flaky/a"), 2);
  EXPECT_GE(waited, 0.9) << "Retry-After: 1 was not honoured";

  // Without asking for retries, the 429 is the answer.
  auto once = fetch(p, json::object({{"url", peer.url("/flaky/b?fail=1&status=429")}}));
  EXPECT_EQ(statusOf(once), 429);
  EXPECT_EQ(peer.hits("/flaky/b"), 1);
  // A POST is not retried unless it carries an Idempotency-Key.
  auto post = fetch(p, json::object({{"url", peer.url("/flaky/c?fail=1&status=503")},
                                     {"method", "POST"},
                                     {"attempts", 3}}));
  EXPECT_EQ(statusOf(post), 503);
  auto keyed = fetch(p, json::object({{"url", peer.url("/flaky/d?fail=1&status=503")},
                                      {"method", "POST"},
                                      {"headers", json::object({{"Idempotency-Key", "k-1"}})},
                                      {"attempts", 3}}));
  EXPECT_EQ(statusOf(keyed), 200) << keyed.dump();
}

TEST(Outbound, ThreeFailuresOpenTheCircuitAndItFailsFastUntilAProbeSucceeds) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost(
      "127.0.0.1:*", {{"outbound.breaker_failures", "3"}, {"outbound.breaker_open_ms", "1000"}}));
  for (int i = 0; i < 3; ++i) {
    auto r = fetch(p, json::object({{"url", peer.url("/always/503/x")}}));
    EXPECT_EQ(statusOf(r), 503) << r.dump();
  }
  auto fast = fetch(p, json::object({{"url", peer.url("/always/503/x")}}));
  EXPECT_EQ(errorOf(fast), PORTICO_ERR_UNAVAILABLE) << fast.dump();
  EXPECT_NE(fast.at("message").as_string().find("circuit open"), std::string::npos);
  EXPECT_EQ(peer.hits("/always/503/x"), 3) << "an open circuit must not reach the peer";
  // The destination, not the path, is what fails: the peer's other paths wait too.
  EXPECT_EQ(errorOf(fetch(p, json::object({{"url", peer.url("/ok")}}))), PORTICO_ERR_UNAVAILABLE);

  // After breaker_open_ms one call goes through as a probe; it succeeds and closes the circuit.
  auto opened = std::chrono::steady_clock::now();
  json::Value probe;
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] {
    probe = fetch(p, json::object({{"url", peer.url("/ok")}}));
    return statusOf(probe) == 200;
  })) << probe.dump();
  EXPECT_GE(std::chrono::steady_clock::now() - opened, std::chrono::milliseconds(900));
  EXPECT_EQ(peer.hits("/ok"), 1) << "calls while the circuit was open never reached the peer";
  EXPECT_EQ(statusOf(fetch(p, json::object({{"url", peer.url("/ok")}}))), 200);
}

TEST(Outbound, ATimeoutShorterThanTheSlowPeerEndsTheCall) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  auto start = std::chrono::steady_clock::now();
  auto r = fetch(p, json::object({{"url", peer.url("/slow?ms=3000")}, {"timeout_ms", 300}}));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(errorOf(r), PORTICO_ERR_TIMEOUT) << r.dump();
  EXPECT_LT(took, 2.5);

  // The request's own deadline bounds a longer timeout the plugin asks for.
  Porticod bounded(fetcherHost("127.0.0.1:*", {{"http.request_deadline_ms", "400"}}));
  start = std::chrono::steady_clock::now();
  auto cut =
      fetch(bounded, json::object({{"url", peer.url("/slow?ms=3000")}, {"timeout_ms", 10000}}));
  took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(errorOf(cut), PORTICO_ERR_TIMEOUT) << cut.dump();
  EXPECT_LT(took, 2.5);
}

TEST(Outbound, AStreamedBodyArrivesChunkByChunk) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  auto r =
      fetch(p, json::object({{"url", peer.url("/stream?chunks=5&gap_ms=100")}, {"stream", true}}));
  ASSERT_EQ(statusOf(r), 200) << r.dump();
  EXPECT_EQ(r.at("body").as_string(), "chunk-0\nchunk-1\nchunk-2\nchunk-3\nchunk-4\n");
  EXPECT_GE(r.at("chunks").as_int(), 5) << "the body came in one piece, not as it was sent";
}

TEST(Outbound, ARequestBodyCanBeStreamedAsItIsMade) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  auto r = fetch(p, json::object({{"url", peer.url("/ok")}, {"method", "POST"}, {"upload", 3}}));
  ASSERT_EQ(statusOf(r), 200) << r.dump();
  auto seen = json::parse(r.at("body").as_string());
  EXPECT_EQ(seen.at("body").as_string(), "part-0\npart-1\npart-2\n");
  EXPECT_EQ(seen.at("headers").at("transfer-encoding").as_string(), "chunked");
}

TEST(Outbound, RedirectsAreFollowedOnlyWithinTheAllowList) {
  e2e::HttpPeer peer, outsider;
  Porticod p(fetcherHost("127.0.0.1:" + std::to_string(peer.port())));
  auto inside = fetch(p, json::object({{"url", peer.url("/redirect?to=/ok")}}));
  EXPECT_EQ(statusOf(inside), 200) << inside.dump();
  EXPECT_EQ(peer.hits("/ok"), 1);

  auto out = fetch(p, json::object({{"url", peer.url("/redirect?to=" + outsider.url("/ok"))}}));
  EXPECT_EQ(errorOf(out), PORTICO_ERR_DENIED) << out.dump();
  EXPECT_NE(out.at("message").as_string().find("redirect"), std::string::npos);
  EXPECT_EQ(outsider.hits("/ok"), 0);
}

TEST(Outbound, TheCallingRequestsTraceGoesOnAndHeadersAreSent) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  const std::string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
  auto r = fetch(p,
                 json::object({{"url", peer.url("/ok")},
                               {"method", "PUT"},
                               {"body", "payload"},
                               {"headers", json::object({{"X-Api-Key", "secret-value"}})}}),
                 {{"traceparent", "00-" + trace + "-00f067aa0ba902b7-01"}});
  ASSERT_EQ(statusOf(r), 200) << r.dump();
  auto seen = json::parse(r.at("body").as_string());
  EXPECT_EQ(seen.at("method").as_string(), "PUT");
  EXPECT_EQ(seen.at("body").as_string(), "payload");
  EXPECT_EQ(seen.at("headers").at("x-api-key").as_string(), "secret-value");
  std::string sent = seen.at("headers").at("traceparent").as_string();
  EXPECT_EQ(sent.substr(3, 32), trace) << sent;
  EXPECT_NE(sent.substr(36, 16), "00f067aa0ba902b7") << "the outbound request is its own span";
  EXPECT_EQ(p.logs().find("secret-value"), std::string::npos) << "a header value was logged";

  // A header that would frame the message is the client's, not the plugin's.
  auto framing = fetch(p, json::object({{"url", peer.url("/ok")},
                                        {"headers", json::object({{"Content-Length", "1"}})}}));
  EXPECT_EQ(errorOf(framing), PORTICO_ERR_INVALID_ARGUMENT) << framing.dump();
}

TEST(Outbound, ConnectionsAreReusedAcrossCalls) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(statusOf(fetch(p, json::object({{"url", peer.url("/ok")}}))), 200);
  }
  double opened = e2e::metric(p.port(), "portico_outbound_connections_opened_total");
  EXPECT_GE(opened, 1);
  EXPECT_LE(opened, 3) << "20 sequential calls to one peer opened " << opened << " connections";
}

TEST(Outbound, TlsToASelfSignedPeerIsRefusedUnlessItsCaIsConfigured) {
  char dirTemplate[] = "/tmp/portico-tls-XXXXXX";
  ASSERT_NE(mkdtemp(dirTemplate), nullptr);
  std::string dir = dirTemplate;
  auto [made, out] = e2e::runCommand(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
      "/CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem 2>&1");
  ASSERT_EQ(made, 0) << out;
  uint16_t port = e2e::freePort();
  // Made before fork: the child of a threaded process may only exec.
  std::string accept = "127.0.0.1:" + std::to_string(port), cert = dir + "/cert.pem",
              key = dir + "/key.pem";
  pid_t server = fork();
  if (server == 0) {
    execlp("openssl", "openssl", "s_server", "-quiet", "-accept", accept.c_str(), "-cert",
           cert.c_str(), "-key", key.c_str(), "-www", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
  for (int i = 0; i < 100 && e2e::runCommand("bash -c ': > /dev/tcp/127.0.0.1/" +
                                             std::to_string(port) + "' 2>/dev/null")
                                     .first != 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  {
    Porticod strict(fetcherHost("127.0.0.1:" + std::to_string(port)));
    auto refused = fetch(strict, json::object({{"url", url}}));
    EXPECT_EQ(errorOf(refused), PORTICO_ERR_UNAVAILABLE) << refused.dump();
    EXPECT_NE(refused.at("message").as_string().find("certificate"), std::string::npos)
        << refused.dump();

    Porticod trusting(fetcherHost("127.0.0.1:" + std::to_string(port),
                                  {{"outbound.ca_file", dir + "/cert.pem"}}));
    auto ok = fetch(trusting, json::object({{"url", url}}));
    EXPECT_EQ(statusOf(ok), 200) << ok.dump();
  }
  kill(server, SIGTERM);
  waitpid(server, nullptr, 0);
  e2e::runCommand("rm -rf " + dir);
}

TEST(Outbound, ARetiredGenerationsCallIsCutOffAtItsDrainDeadlineAndItUnmaps) {
  e2e::HttpPeer peer;
  Porticod p(fetcherHost("127.0.0.1:*", {{"plugins.drain_timeout_ms", "1000"}}));
  // A stream that would take 20 s, made by generation 1.
  auto call = std::async(std::launch::async, [&] {
    return fetch(p, json::object({{"url", peer.url("/stream?chunks=200&gap_ms=100")},
                                  {"stream", true},
                                  {"timeout_ms", 60000}}));
  });
  e2e::waitForInflight(p, "fetcher", 1);
  auto swap = e2e::admin(p, "PUT", "/admin/plugins/fetcher",
                         e2e::readFile(e2e::fixturePath("fetcher_v2.so")));
  ASSERT_EQ(swap.status, 200) << swap.body;
  auto start = std::chrono::steady_clock::now();
  auto report = call.get();
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(report.at("version").as_string(), "1.0.0");
  EXPECT_EQ(errorOf(report), PORTICO_ERR_UNAVAILABLE) << report.dump();
  EXPECT_LT(took, 5.0) << "the call outlived its generation's drain deadline";

  auto entry = e2e::waitUntilDrained(p, "fetcher", 5000);
  const auto& old = entry.at("old_generations").as_array().at(0);
  EXPECT_EQ(old.at("state").as_string(), "closed") << entry.dump();
  EXPECT_TRUE(old.at("unmapped").as_bool() || !kDlcloseUnmaps);
  // The new generation calls out as before.
  auto after = fetch(p, json::object({{"url", peer.url("/ok")}}));
  EXPECT_EQ(after.at("version").as_string(), "2.0.0");
  EXPECT_EQ(statusOf(after), 200) << after.dump();
}
