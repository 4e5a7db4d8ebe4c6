// SPDX-License-Identifier: Apache-2.0
// Request smuggling (RFC 9112 section 6): every message whose framing is ambiguous or invalid is
// answered once and its connection closed, so nothing after it is ever served as a request;
// directly, and through a real nginx in front (the deployment's shape).
#include <gtest/gtest.h>

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <thread>

#include "Eventually.h"
#include "Http.h"
#include "Nginx.h"
#include "Porticod.h"

using e2e::Porticod;

namespace {

const std::string kSmuggled = "GET /hello/SMUGGLED HTTP/1.1\r\nHost: x\r\n\r\n";

struct Case {
  const char* name;
  std::string bytes;  // the bad message; kSmuggled follows it on the wire
  int status;
};

std::string post(const std::string& fields, const std::string& body) {
  return "GET /hello/a HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n" + body;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"LengthThenChunked",
       post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      {"ChunkedThenLength",
       post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"), 400},
      {"TwoDifferentLengths", post("Content-Length: 4\r\nContent-Length: 6\r\n", "abcdef"), 400},
      {"LengthList", post("Content-Length: 4, 6\r\n", "abcdef"), 400},
      {"NegativeLength", post("Content-Length: -1\r\n", "abcd"), 400},
      {"LengthWithSign", post("Content-Length: +4\r\n", "abcd"), 400},
      {"ChunkSizeNotHex", post("Transfer-Encoding: chunked\r\n", "zz\r\nabc\r\n0\r\n\r\n"), 400},
      {"ChunkSizeOverflows", post("Transfer-Encoding: chunked\r\n", "1ffffffffffffffff\r\nab\r\n"),
       400},
      {"ChunkWithoutCrlf", post("Transfer-Encoding: chunked\r\n", "3\r\nabcXX0\r\n\r\n"), 400},
      {"CodingBeforeChunked", post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 501},
      {"ChunkedNotLast", post("Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"), 400},
      {"TwoTransferEncodings",
       post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
      {"SpaceBeforeColon", post("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"), 400},
      {"NulInValue", post(std::string("X-A: a\0b\r\n", 10), ""), 400},
      {"ControlInValue", post("X-A: a\x01z\r\n", ""), 400},
      {"BareLineFeeds", "GET /hello/a HTTP/1.1\nHost: x\n\n", 400},
      {"NoHostOn11", "GET /hello/a HTTP/1.1\r\n\r\n", 400},
      {"TwoHosts", "GET /hello/a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"ChunkedOnHttp10", "GET /hello/a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"Version99", "GET /hello/a HTTP/9.9\r\nHost: x\r\n\r\n", 505},
      {"Version20", "GET /hello/a HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"GarbageLine", "hello there\r\n\r\n", 400},
      {"UnknownExpectation", post("Expect: 200-ok\r\nContent-Length: 2\r\n", "ab"), 417},
  };
  return all;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class Framing : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    host = new Porticod({{{e2e::pluginPath("hello.so"), "hello.so"}},
                         {{"http.timeout_ms", "1000"},
                          {"http.max_body_bytes", "1024"},
                          {"http.header_timeout_ms", "2000"},
                          {"http.body_min_rate", "100"},
                          {"http.body_rate_grace_ms", "500"},
                          {"log.access", "true"}},
                         {},
                         true});
    nginx = new e2e::Nginx({host->port()});
  }
  static void TearDownTestSuite() {
    delete nginx;
    delete host;
    nginx = nullptr;
    host = nullptr;
  }
  static Porticod* host;
  static e2e::Nginx* nginx;
};

Porticod* Framing::host = nullptr;
e2e::Nginx* Framing::nginx = nullptr;

}  // namespace

TEST_P(Framing, IsRefusedOnceAndTheConnectionClosed) {
  const Case& c = GetParam();
  auto talk = e2e::rawUntilClose(host->port(), c.bytes + kSmuggled);
  EXPECT_TRUE(talk.closed) << "connection left open after:\n" << talk.received;
  EXPECT_EQ(talk.received.rfind("HTTP/1.1 " + std::to_string(c.status) + " ", 0), 0u)
      << talk.received;
  EXPECT_EQ(count(talk.received, "X-Request-Id:"), 1u) << "more than one answer:\n"
                                                       << talk.received;
  EXPECT_EQ(talk.received.find("SMUGGLED"), std::string::npos) << talk.received;
  auto reply = e2e::parseRaw(talk.received);
  EXPECT_EQ(reply.headers["connection"], "close");
  EXPECT_EQ(portico::json::parse(reply.body).at("status").as_int(), c.status);
}

TEST_P(Framing, NothingIsSmuggledPastNginx) {
  const Case& c = GetParam();
  size_t servedBefore = count(host->logs(), "GET /hello/SMUGGLED");
  auto talk = e2e::rawUntilClose(nginx->port(), c.bytes + kSmuggled, 3000);
  // nginx may read the tail as a request of its own and forward it: then the attacker gets
  // that answer. What must never happen is porticod serving it unseen (a poisoned queue).
  size_t answered = count(talk.received, "\"hello\":\"SMUGGLED\"");
  // The next client through nginx gets its own answer; once its line is in the access log, so
  // is the line of anything served before it.
  size_t victimsBefore = count(host->logs(), "GET /hello/victim");
  auto victim = e2e::get(nginx->port(), "/hello/victim");
  EXPECT_EQ(victim.status, 200);
  EXPECT_EQ(victim.json().at("hello").as_string(), "victim");
  EXPECT_TRUE(e2e::eventually(std::chrono::seconds(5), [&] {
    return count(host->logs(), "GET /hello/victim") > victimsBefore;
  }));
  size_t served = count(host->logs(), "GET /hello/SMUGGLED") - servedBefore;
  EXPECT_EQ(served, answered) << talk.received;
}

INSTANTIATE_TEST_SUITE_P(Http11, Framing, ::testing::ValuesIn(cases()),
                         [](const auto& p) { return std::string(p.param.name); });

namespace {

// A connection a test drives by hand.
class Client {
 public:
  explicit Client(uint16_t port) { socket_.connect(Poco::Net::SocketAddress("127.0.0.1", port)); }
  void send(const std::string& bytes) {
    socket_.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  }
  // What arrives within timeoutMs (or until the peer closes).
  std::string receive(int timeoutMs) {
    socket_.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeoutMs) * 1000));
    std::string out;
    char buf[4096];
    try {
      int n;
      while ((n = socket_.receiveBytes(buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<size_t>(n));
        if (out.find("\r\n\r\n") != std::string::npos) break;
      }
    } catch (const Poco::Exception&) {
    }
    return out;
  }
  // Sends one byte every `everyMs` until the server answers or closes; returns the answer.
  std::string trickle(const std::string& bytes, int everyMs, int maxMs) {
    auto start = std::chrono::steady_clock::now();
    for (char ch : bytes) {
      try {
        send(std::string(1, ch));
      } catch (const Poco::Exception&) {
        break;  // closed on us
      }
      std::string got = receive(everyMs);
      if (!got.empty()) return got;
      if (std::chrono::steady_clock::now() - start > std::chrono::milliseconds(maxMs)) break;
    }
    return receive(1000);
  }

 private:
  Poco::Net::StreamSocket socket_;
};

double secondsSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST_F(Framing, ExpectContinueGetsContinueBeforeTheBody) {
  Client c(host->port());
  c.send(
      "GET /hello/cont HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  std::string interim = c.receive(2000);
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << interim;
  c.send("hello");
  std::string final = c.receive(2000);
  EXPECT_EQ(final.rfind("HTTP/1.1 200 ", 0), 0u) << final;
}

TEST_F(Framing, ExpectContinueOverTheLimitGets413WithoutContinue) {
  Client c(host->port());
  c.send(
      "GET /hello/big HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
  std::string answer = c.receive(2000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
}

TEST_F(Framing, AHeadSentALineAtATimeHasADeadline) {
  // Each line arrives well within http.timeout_ms (1 s); the head as a whole may take 2 s.
  Client c(host->port());
  auto start = std::chrono::steady_clock::now();
  std::string answer;
  c.send("GET /hello/slow HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i < 40 && answer.empty(); ++i) {
    try {
      c.send("X-Line-" + std::to_string(i) + ": v\r\n");
    } catch (const Poco::Exception&) {
      break;
    }
    answer = c.receive(300);
  }
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
  EXPECT_LT(secondsSince(start), 4.0);
}

TEST_F(Framing, ABodyBelowTheMinimumRateGets408) {
  // 100 bytes/s are required after 0.5 s; one byte every 150 ms is about 7 bytes/s.
  Client c(host->port());
  auto start = std::chrono::steady_clock::now();
  c.send("GET /hello/trickle HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
  std::string answer = c.trickle(std::string(1000, 'b'), 150, 5000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
  EXPECT_LT(secondsSince(start), 3.0);
}

TEST_F(Framing, ABodyThatStopsArrivingGets408NotAnEmptyBody) {
  Client c(host->port());
  c.send("GET /hello/stall HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  std::string answer = c.receive(4000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
}

TEST_F(Framing, PipelinedWellFormedRequestsAreAllServedInOrder) {
  std::string one = "GET /hello/one HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string two = "GET /hello/two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
  std::string three =
      "GET /hello/three HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\n0\r\nTrailer: t\r\n\r\n";
  std::string last = "GET /hello/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  auto talk = e2e::rawUntilClose(host->port(), one + two + three + last);
  EXPECT_TRUE(talk.closed);
  EXPECT_EQ(count(talk.received, "HTTP/1.1 200 "), 4u) << talk.received;
  size_t a = talk.received.find("\"one\"");
  size_t b = talk.received.find("\"two\"");
  size_t c = talk.received.find("\"three\"");
  size_t d = talk.received.find("\"last\"");
  EXPECT_TRUE(a < b && b < c && c < d) << talk.received;
}
