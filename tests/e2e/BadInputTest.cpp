// SPDX-License-Identifier: Apache-2.0
// What an attacker sends, over real sockets: every answer is a 4xx with a JSON body, and the host
// keeps serving everyone else.
#include <gtest/gtest.h>

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <thread>

#include "Http.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    host = new Porticod({{{e2e::pluginPath("hello.so"), "hello.so"}},
                         {{"http.timeout_ms", "1000"}, {"http.max_body_bytes", "1024"}},
                         {},
                         true});
  }
  static void TearDownTestSuite() {
    delete host;
    host = nullptr;
  }
  void TearDown() override {
    // Whatever was sent, everyone else is still served.
    EXPECT_EQ(e2e::get(host->port(), "/hello/ok").status, 200);
  }

  // Sends raw bytes; expects `status` and a JSON error body naming it.
  static void expectJsonError(const std::string& bytes, int status) {
    auto r = e2e::parseRaw(e2e::rawExchange(host->port(), bytes));
    EXPECT_EQ(r.status, status) << bytes.substr(0, 80);
    EXPECT_EQ(r.headers["content-type"], "application/json");
    auto body = portico::json::parse(r.body);
    EXPECT_EQ(body.at("status").as_int(), status);
    EXPECT_FALSE(body.at("message").as_string().empty());
    EXPECT_FALSE(body.at("request_id").as_string().empty());
  }

  static Porticod* host;
};

Porticod* BadInput::host = nullptr;

}  // namespace

TEST_F(BadInput, MalformedRequestLine) {
  expectJsonError("GARBAGE\r\n\r\n", 400);
}

TEST_F(BadInput, BinaryNoise) {
  expectJsonError(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\r\n\r\n", 14), 400);
}

TEST_F(BadInput, InvalidHttpVersion) {
  expectJsonError("GET /hello/x HTTP/9.9x\r\n\r\n", 400);
}

TEST_F(BadInput, OversizedUri) {
  expectJsonError("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
}

TEST_F(BadInput, OversizedHeaderValue) {
  expectJsonError(
      "GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'b') + "\r\n\r\n", 431);
}

// 100 KB arrives in several reads: the parser has taken the request line out of the buffer by the
// time the field passes the limit, and it is still the field that is too large, not the target.
TEST_F(BadInput, AHundredKilobyteHeaderFieldIs431) {
  expectJsonError(
      "GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100000, 'b') + "\r\n\r\n", 431);
}

TEST_F(BadInput, TooManyHeaders) {
  std::string req = "GET /hello/x HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) req += "X-H" + std::to_string(i) + ": v\r\n";
  expectJsonError(req + "\r\n", 431);
}

TEST_F(BadInput, DeclaredBodyOverTheRouteLimit) {
  expectJsonError("GET /hello/x HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\nabc", 413);
}

TEST_F(BadInput, ChunkedBodyOverTheRouteLimit) {
  std::string chunk(800, 'c');
  std::string req = "GET /hello/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) req += "320\r\n" + chunk + "\r\n";
  expectJsonError(req + "0\r\n\r\n", 413);
}

TEST_F(BadInput, DotDotSegments) {
  expectJsonError("GET /hello/../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expectJsonError("GET /hello/%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expectJsonError("GET /hello/%2E%2E HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST_F(BadInput, BadPercentEncodingAndNul) {
  expectJsonError("GET /hello/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expectJsonError("GET /hello/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expectJsonError("GET /hello/a% HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST_F(BadInput, AbsoluteFormAndAsteriskTargets) {
  expectJsonError("GET http://evil/hello/x HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  expectJsonError("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST_F(BadInput, UnknownMethodOnAKnownPath) {
  auto r = e2e::parseRaw(e2e::rawExchange(
      host->port(), "BREW /hello/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["allow"], "GET");
  EXPECT_EQ(portico::json::parse(r.body).at("status").as_int(), 405);
}

TEST_F(BadInput, UnknownPath) {
  auto r = e2e::get(host->port(), "/nothing/here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json().at("status").as_int(), 404);
}

TEST_F(BadInput, IncomingRequestIdIsKeptOnlyWhenSafe) {
  auto ok = e2e::request(host->port(), "GET", "/hello/x", "", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(ok.headers["x-request-id"], "abc-123");
  auto evil = e2e::request(host->port(), "GET", "/hello/x", "", {{"X-Request-Id", "a b<script>"}});
  EXPECT_NE(evil.headers["x-request-id"], "a b<script>");
  EXPECT_EQ(evil.headers["x-request-id"].size(), 16u);
}

TEST_F(BadInput, AnUnreadBodyIsNeverTakenForTheNextRequest) {
  // Refused before its body is read, a request's body must not be parsed as a request of its
  // own (request smuggling): the host answers once and closes the connection.
  const std::string inner = "GET /hello/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const std::string target : {"/nothing/here", "/health", "/hello/x"}) {
    std::string raw = e2e::rawExchange(
        host->port(), "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                          std::to_string(inner.size()) + "\r\n\r\n" + inner);
    EXPECT_GE(e2e::parseRaw(raw).status, 400) << target;
    EXPECT_EQ(raw.find("smuggled"), std::string::npos) << target << ":\n" << raw;
    EXPECT_EQ(raw.find("HTTP/1.1", 1), std::string::npos) << target << ": a second answer";
  }
}

TEST_F(BadInput, SlowClientTimesOutWhileOthersAreServed) {
  Poco::Net::StreamSocket slow;
  slow.connect(Poco::Net::SocketAddress("127.0.0.1", host->port()));
  std::string partial = "GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  slow.sendBytes(partial.data(), static_cast<int>(partial.size()));
  // Others are answered while the slow client dawdles.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(e2e::get(host->port(), "/hello/other").status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  slow.setReceiveTimeout(Poco::Timespan(5, 0));
  std::string got;
  char buf[2048];
  int n;
  while ((n = slow.receiveBytes(buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
  auto r = e2e::parseRaw(got);
  EXPECT_EQ(r.status, 408) << got;
  EXPECT_EQ(portico::json::parse(r.body).at("status").as_int(), 408);
}

TEST_F(BadInput, ManyGarbageConnectionsInParallel) {
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto r = e2e::parseRaw(e2e::rawExchange(host->port(), "\x01\x02 garbage\r\n\r\n"));
        if (r.status == 400) ++answered;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 200);
}
