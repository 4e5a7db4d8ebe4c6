// SPDX-License-Identifier: Apache-2.0
// Streams (ABI 1.5) from outside, against the streams fixture: server-sent events, chunked
// bodies with backpressure, WebSockets (a real `ws` client, and hand-made hostile frames), push
// channels across two hosts, and what a hot swap and a stop do to open streams.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "Eventually.h"
#include "Generations.h"
#include "Http.h"
#include "Porticod.h"
#include "RawSocket.h"

using e2e::eventually;
using e2e::Porticod;
using e2e::RawSocket;

namespace {

Porticod::Options streamsHost(std::map<std::string, std::string> config = {}) {
  return {{{e2e::fixturePath("streams_v1.so"), "streams.so"}}, std::move(config), {}, true};
}

portico::json::Value stats(const Porticod& p) {
  return e2e::get(p.port(), "/streams/stats").json();
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

// ---- WebSocket frames, as a client sends them (RFC 6455 section 5.2) ----

// `length` overrides the payload's own length in the header (a lie about the size).
std::string frame(uint8_t opcode, const std::string& payload, bool masked = true,
                  uint64_t length = UINT64_MAX) {
  if (length == UINT64_MAX) length = payload.size();
  std::string f(1, static_cast<char>(0x80 | opcode));
  uint8_t mask = masked ? 0x80 : 0;
  if (length < 126) {
    f += static_cast<char>(mask | length);
  } else if (length < 65536) {
    f += static_cast<char>(mask | 126);
    f += static_cast<char>(length >> 8);
    f += static_cast<char>(length & 0xff);
  } else {
    f += static_cast<char>(mask | 127);
    for (int i = 7; i >= 0; --i) f += static_cast<char>((length >> (8 * i)) & 0xff);
  }
  const char key[4] = {0x11, 0x22, 0x33, 0x44};
  if (masked) f.append(key, 4);
  for (size_t i = 0; i < payload.size(); ++i) {
    f += masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i];
  }
  return f;
}

struct ServerFrame {
  uint8_t opcode;
  std::string payload;
};

// The frames a server sent (unmasked, each whole), in order.
std::vector<ServerFrame> parseFrames(const std::string& bytes) {
  std::vector<ServerFrame> frames;
  size_t at = 0;
  while (at + 2 <= bytes.size()) {
    auto b = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
    uint8_t opcode = b(at) & 0x0f;
    uint64_t length = b(at + 1) & 0x7f;
    size_t header = 2;
    if (length == 126) {
      length = (uint64_t{b(at + 2)} << 8) | b(at + 3);
      header = 4;
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | b(at + 2 + static_cast<size_t>(i));
      header = 10;
    }
    if (at + header + length > bytes.size()) break;
    frames.push_back({opcode, bytes.substr(at + header, length)});
    at += header + length;
  }
  return frames;
}

// The close code of the server's close frame, 0 when it sent none.
int closeCode(const std::string& bytes) {
  for (const auto& f : parseFrames(bytes)) {
    if (f.opcode == 0x8 && f.payload.size() >= 2) {
      return (static_cast<uint8_t>(f.payload[0]) << 8) | static_cast<uint8_t>(f.payload[1]);
    }
  }
  return 0;
}

// A connection past its opening handshake.
RawSocket openWebSocket(uint16_t port, const std::string& path = "/streams/ws") {
  RawSocket s(port);
  s.send(e2e::websocketUpgrade(path));
  std::string head = s.receiveUntil("\r\n\r\n");
  if (head.rfind("HTTP/1.1 101 ", 0) != 0) throw std::runtime_error("no 101: " + head);
  if (head.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == std::string::npos) {
    throw std::runtime_error("wrong Sec-WebSocket-Accept: " + head);
  }
  return s;
}

}  // namespace

// ---- Server-sent events and chunked bodies ----

TEST(Streams, AnEventStreamSendsItsEventsAfterAChunkedHeadAndStaysOpen) {
  Porticod p(streamsHost());
  RawSocket s(p.port());
  s.send(get("/streams/sse?count=3"));
  std::string got = s.receiveUntil("data: event 3\n\n");
  ASSERT_NE(got, "");
  auto head = e2e::parseRaw(got);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(head.headers["content-type"], "text/event-stream");
  EXPECT_NE(got.find("event: n\nid: 1\ndata: event 1\n\n"), std::string::npos) << got;
  s.receiveFor(300);
  EXPECT_FALSE(s.closed());
}

// RFC 9112 7.1: chunked is not for HTTP/1.0; the body is the events themselves, and the
// connection's end ends it.
TEST(Streams, AnHttp10ClientGetsACloseDelimitedStream) {
  Porticod p(streamsHost());
  RawSocket s(p.port());
  s.send("GET /streams/sse?count=2 HTTP/1.0\r\nHost: x\r\n\r\n");
  std::string got = s.receiveUntil("data: event 2\n\n");
  ASSERT_NE(got, "");
  auto head = e2e::parseRaw(got);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.count("transfer-encoding"), 0u) << got;
  EXPECT_EQ(head.headers.count("content-length"), 0u) << got;
  EXPECT_EQ(head.headers["connection"], "close");
  size_t body = got.find("\r\n\r\n") + 4;
  EXPECT_EQ(got.substr(body, 29), "event: n\nid: 1\ndata: event 1\n") << "no chunk size before it";
  // The server ends the stream (porticod stops): the body ends with the connection, no last chunk.
  std::thread stopper([&] { p.stop(); });
  std::string rest = s.receiveFor(5000);
  stopper.join();
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(rest.find("0\r\n\r\n"), std::string::npos) << rest;
}

TEST(Streams, AnIdleEventStreamGetsHeartbeatComments) {
  Porticod p(streamsHost({{"http.sse_heartbeat_ms", "300"}}));
  RawSocket s(p.port());
  s.send(get("/streams/sse"));
  ASSERT_NE(s.receiveUntil("\r\n\r\n"), "");
  // Each heartbeat is a chunk holding one comment line.
  EXPECT_NE(s.receiveUntil("3\r\n:\n\n\r\n", 3000), "");
}

TEST(Streams, APluginHearsWhenItsClientGoesAway) {
  Porticod p(streamsHost());
  {
    RawSocket s(p.port());
    s.send(get("/streams/ticks"));
    ASSERT_NE(s.receiveUntil("data: tick"), "");
  }
  EXPECT_TRUE(eventually([&] { return stats(p).at("closed").as_int() == 1; }));
  EXPECT_EQ(stats(p).at("last_close_code").as_int(), 1001);
}

TEST(Streams, AHandlerThatFailsAfterMakingAStreamAnswersAnOrdinaryError) {
  Porticod p(streamsHost());
  auto r = e2e::get(p.port(), "/streams/fail");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.json().at("message").as_string(), "changed my mind");
  auto s = stats(p);
  EXPECT_EQ(s.at("closed").as_int(), 1);
  EXPECT_EQ(s.at("last_close_code").as_int(), 1011);
}

TEST(Streams, ASlowReaderNeverMakesTheHostBufferPastTheBound) {
  constexpr long kBound = 256 * 1024;
  constexpr long kChunk = 64 * 1024;
  Porticod p(streamsHost({{"http.stream_buffer_bytes", std::to_string(kBound)}}));
  RawSocket s(p.port());
  s.shrinkReceiveBuffer();
  s.send(get("/streams/flood"));
  // The fixture writes 64 kB chunks until the host says Full.
  ASSERT_TRUE(eventually([&] { return stats(p).at("accepted_before_full").as_int() >= 0; }));
  long accepted = stats(p).at("accepted_before_full").as_int();
  RecordProperty("accepted_before_full", std::to_string(accepted));
  EXPECT_GE(accepted, kBound - kChunk);
  EXPECT_LE(accepted, kBound + kChunk);
  // Reading it all drains the buffer: the plugin hears it may write again (and then closes).
  std::string body;
  while (!s.closed()) body += s.receiveFor(2000);
  EXPECT_GE(static_cast<long>(body.size()), accepted);
  EXPECT_NE(body.find("0\r\n\r\n"), std::string::npos);
  EXPECT_EQ(stats(p).at("writable").as_int(), 1);
}

// ---- Streamed request bodies ----

namespace {

std::string fnv1a(const std::string& bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  return std::to_string(hash);
}

std::string uploadHead(size_t length, const std::string& extra = "") {
  return "PUT /streams/upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) +
         "\r\n" + extra + "\r\n";
}

}  // namespace

TEST(StreamedBody, ALargeUploadReachesTheHandlerInPartsNeverWhole) {
  Porticod p(streamsHost());
  std::string body(32 << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 31) ^ (i >> 11));
  long rssBefore = p.rssKb();
  RawSocket s(p.port());
  ASSERT_TRUE(s.send(uploadHead(body.size()) + body));
  auto r = e2e::parseRaw(s.receiveUntil("}"));
  long grewKb = p.rssKb() - rssBefore;
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = portico::json::parse(r.body);
  EXPECT_EQ(j.at("bytes").as_int(), static_cast<int64_t>(body.size()));
  EXPECT_EQ(j.at("fnv1a").as_string(), fnv1a(body));
  EXPECT_LE(j.at("largest_read").as_int(), 64 * 1024);
  EXPECT_GT(j.at("reads").as_int(), 1);
  RecordProperty("rss_growth_kb", std::to_string(grewKb));
  EXPECT_LT(grewKb, 16 * 1024) << "a 32 MiB upload grew porticod by " << grewKb << " kB";
}

TEST(StreamedBody, ADeclaredLengthOverTheRoutesMaximumIs413BeforeAByteIsRead) {
  Porticod p(streamsHost());
  RawSocket s(p.port());
  s.send(uploadHead(size_t{100} << 20, "Expect: 100-continue\r\n"));
  std::string answer = s.receiveUntil("}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer;
  EXPECT_EQ(answer.find("100 Continue"), std::string::npos);
}

TEST(StreamedBody, AChunkedBodyPastTheMaximumIs413) {
  Porticod p(streamsHost());
  RawSocket s(p.port());
  s.send("PUT /streams/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string chunk(1 << 20, 'c');
  std::string answer;
  for (int i = 0; i < 70 && answer.empty(); ++i) {
    if (!s.send("100000\r\n" + chunk + "\r\n")) break;
    answer = s.receiveFor(0);
  }
  if (answer.empty()) answer = s.receiveUntil("}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413 ", 0), 0u) << answer.substr(0, 200);
}

TEST(StreamedBody, ExpectContinueIsAnsweredWhenTheHandlerReadsAndNotWhenItRefuses) {
  Porticod p(streamsHost());
  {
    RawSocket s(p.port());
    s.send(uploadHead(5, "Expect: 100-continue\r\n"));
    EXPECT_EQ(s.receiveUntil("\r\n\r\n").rfind("HTTP/1.1 100 Continue", 0), 0u);
    s.send("hello");
    auto r = e2e::parseRaw(s.receiveUntil("}"));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(portico::json::parse(r.body).at("fnv1a").as_string(), fnv1a("hello"));
  }
  RawSocket refused(p.port());
  refused.send(
      "PUT /streams/upload?refuse=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  std::string answer = refused.receiveUntil("}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 403 ", 0), 0u) << answer;
}

TEST(StreamedBody, AClientThatStallsMidBodyGets408AndTheConnectionClosed) {
  Porticod p(streamsHost({{"http.timeout_ms", "500"}}));
  RawSocket s(p.port());
  s.send(uploadHead(1000) + std::string(100, 'x'));
  auto started = std::chrono::steady_clock::now();
  std::string answer;
  while (!s.closed()) answer += s.receiveFor(3000);
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  // Another client is served meanwhile and after.
  EXPECT_EQ(e2e::get(p.port(), "/streams/stats").status, 200);
}

// ---- WebSocket ----

TEST(WebSocket, ARealClientGetsItsTextAndBinaryMessagesEchoedAndTheCloseCode) {
  Porticod p(streamsHost());
  auto [code, out] = e2e::runCommand("NODE_PATH=/usr/share/nodejs node " STREAMS_SCRIPTS
                                     "/ws-echo.js ws://127.0.0.1:" +
                                     std::to_string(p.port()) + "/streams/ws");
  ASSERT_EQ(code, 0) << out;
  auto r = portico::json::parse(out);
  ASSERT_EQ(r.at("texts").as_array().size(), 1u) << out;
  ASSERT_EQ(r.at("binaries").as_array().size(), 1u) << out;
  EXPECT_EQ(r.at("texts").as_array()[0].as_string(), "hello, ünïcode");
  EXPECT_EQ(r.at("binaries").as_array()[0].as_string(), "000102ff");
  EXPECT_EQ(r.at("code").as_int(), 4000);
  EXPECT_EQ(r.at("reason").as_string(), "asked to");
  EXPECT_TRUE(eventually([&] { return stats(p).at("last_close_code").as_int() == 4000; }));
}

// A browser page of any site may open a WebSocket to the host with the user's cookies; only the
// Origin it sends tells them apart.
TEST(WebSocket, AnUpgradeFromAnOriginNotAllowedGets403) {
  Porticod p(streamsHost({{"push.allowed_origins", "https://app.example.com"}}));
  auto upgradeFrom = [&](const std::string& origin) {
    std::string request = e2e::websocketUpgrade("/streams/ws");
    if (!origin.empty()) {
      request.insert(request.size() - 2, "Origin: " + origin + "\r\n");
    }
    return e2e::parseRaw(e2e::rawExchange(p.port(), request, 3000));
  };
  auto evil = upgradeFrom("https://evil.example.com");
  EXPECT_EQ(evil.status, 403);
  EXPECT_NE(evil.body.find("push.allowed_origins"), std::string::npos) << evil.body;
  EXPECT_EQ(upgradeFrom("null").status, 403) << "a sandboxed page's origin";
  EXPECT_EQ(upgradeFrom("https://APP.example.com").status, 101);
  EXPECT_EQ(upgradeFrom("").status, 101) << "no Origin: not a browser";
  EXPECT_EQ(upgradeFrom("http://x").status, 101) << "the host's own origin (the upgrade's Host)";
}

TEST(WebSocket, ARequestThatIsNoUpgradeGets426) {
  Porticod p(streamsHost());
  auto r = e2e::get(p.port(), "/streams/ws");
  EXPECT_EQ(r.status, 426);
  EXPECT_EQ(r.headers["upgrade"], "websocket");
  EXPECT_EQ(r.json().at("status").as_int(), 426);
}

TEST(WebSocket, ProtocolViolationsCloseWithTheRightCode) {
  Porticod p(streamsHost({{"http.websocket.max_message_bytes", "65536"}}));
  struct Case {
    const char* what;
    std::string bytes;
    int code;
  };
  const std::vector<Case> cases = {
      {"an unmasked client frame", frame(0x1, "hello", false), 1002},
      {"a reserved opcode", frame(0x3, "x"), 1002},
      {"text that is not UTF-8", frame(0x1, "\xc3\x28"), 1007},
      {"a length of 2^63 - 1", frame(0x2, "", true, 0x7fffffffffffffffULL), 1009},
      {"a message over the maximum", frame(0x2, std::string(70000, 'a')), 1009},
      {"a fragmented control frame", std::string("\x09\x80\x11\x22\x33\x44", 6), 1002}};
  for (const auto& c : cases) {
    RawSocket s = openWebSocket(p.port());
    s.send(c.bytes);
    std::string got;
    while (!s.closed() && closeCode(got) == 0) got += s.receiveFor(5000);
    EXPECT_EQ(closeCode(got), c.code) << c.what;
  }
  // The plugin heard every one of them end, and the host still serves.
  EXPECT_TRUE(eventually([&] { return stats(p).at("closed").as_int() == 6; }));
  EXPECT_EQ(e2e::get(p.port(), "/streams/stats").status, 200);
}

TEST(WebSocket, APingFloodIsAnsweredAndTheConnectionStillEchoes) {
  Porticod p(streamsHost());
  RawSocket s = openWebSocket(p.port());
  std::string flood;
  for (int i = 0; i < 5000; ++i) flood += frame(0x9, "p");
  s.send(flood);
  s.send(frame(0x1, "still here"));
  std::string got;
  bool echoed = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!echoed && !s.closed() && std::chrono::steady_clock::now() < deadline) {
    got += s.receiveFor(500);
    for (const auto& f : parseFrames(got)) echoed = echoed || f.payload == "still here";
  }
  EXPECT_TRUE(echoed);
  size_t pongs = 0;
  for (const auto& f : parseFrames(got)) pongs += f.opcode == 0xA;
  EXPECT_GT(pongs, 0u);
}

TEST(WebSocket, AnUpgradeTrickledInLineByLineGets408) {
  Porticod p(streamsHost({{"http.header_timeout_ms", "1000"}}));
  RawSocket s(p.port());
  std::string answer;
  std::string request = e2e::websocketUpgrade("/streams/ws");
  for (size_t at = 0; at < request.size() && answer.empty() && !s.closed(); at += 8) {
    s.send(request.substr(at, 8));
    answer = s.receiveFor(300);
  }
  EXPECT_EQ(answer.rfind("HTTP/1.1 408 ", 0), 0u) << answer;
}

TEST(WebSocket, AStopClosesOpenWebSocketsWith1001) {
  Porticod p(streamsHost());
  RawSocket s = openWebSocket(p.port());
  EXPECT_EQ(p.stop(), 0);
  std::string got;
  while (!s.closed()) got += s.receiveFor(2000);
  EXPECT_EQ(closeCode(got), 1001);
}

// ---- Push channels ----

TEST(Channels, EverySubscriberOnEveryHostGetsAChannelsMessagesInOrder) {
  Porticod a(streamsHost());
  Porticod b(streamsHost());
  RawSocket sse(a.port());
  sse.send(get("/streams/channel/room:1"));
  ASSERT_NE(sse.receiveUntil(": subscribed"), "");
  RawSocket ws = openWebSocket(b.port(), "/streams/ws/channel/room:1");
  // Published on a host with no subscriber of its own. The handler's stream_subscribe returned
  // (and so the 101 went out) only once b's subscription to the channel was confirmed.
  Porticod c(streamsHost());
  for (int i = 1; i <= 20; ++i) {
    ASSERT_EQ(
        e2e::request(c.port(), "POST", "/streams/publish/room:1", "m" + std::to_string(i)).status,
        204);
  }
  std::string events = sse.receiveUntil("data: m20\n\n");
  std::string frames;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<std::string> received;
  while (received.size() < 20 && std::chrono::steady_clock::now() < deadline) {
    frames += ws.receiveFor(200);
    received.clear();
    for (const auto& f : parseFrames(frames)) received.push_back(f.payload);
  }
  ASSERT_NE(events, "");
  ASSERT_EQ(received.size(), 20u);
  size_t previous = 0;
  for (int i = 1; i <= 20; ++i) {
    std::string m = "m" + std::to_string(i);
    size_t at = events.find("data: " + m + "\n");
    ASSERT_NE(at, std::string::npos) << m;
    EXPECT_GE(at, previous) << m << " came out of order";
    previous = at;
    EXPECT_EQ(received[static_cast<size_t>(i - 1)], m);
  }
  // The publishing host holds no stream of the channel, so Redis brings it none of them.
  EXPECT_EQ(e2e::metric(c.port(), "portico_channel_received_total{result=\"queued\"}"), 0);
  EXPECT_EQ(e2e::metric(c.port(), "portico_channel_messages_total{result=\"undelivered\"}"), 0);
}

TEST(Channels, ANameOutsideTheAllowedSetIsRefusedByTheHost) {
  Porticod p(streamsHost());
  // The fixture passes the name through unchecked; the host refuses it and the SDK throws.
  auto r = e2e::request(p.port(), "POST", "/streams/publish/no%20spaces", "x");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(p.logs().find("channel names are [A-Za-z0-9:._-]{1,128}"), std::string::npos)
      << p.logs();
}

// ---- Hot swap ----

TEST(StreamsHotSwap, OpenStreamsLastUntilTheDrainDeadlineThenReconnectToTheNewGeneration) {
  constexpr int kEach = 200;
  constexpr int kDrainMs = 3000;
  e2e::raiseOpenFileLimit();
  Porticod p(streamsHost({{"plugins.drain_timeout_ms", std::to_string(kDrainMs)}}));
  std::string ready = p.dir() + "/ready";
  std::string report = p.dir() + "/report.json";
  std::string command =
      "NODE_PATH=/usr/share/nodejs node " STREAMS_SCRIPTS "/hold-across-swap.js " +
      std::to_string(p.port()) + " " + std::to_string(kEach) + " " + ready + " " + report;
  std::thread holder([&] { e2e::runCommand(command); });
  ASSERT_TRUE(eventually([&] { return ::access(ready.c_str(), F_OK) == 0; }));
  auto swappedAt = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto r = e2e::admin(p, "PUT", "/admin/plugins/streams",
                      e2e::readFile(e2e::fixturePath("streams_v2.so")));
  ASSERT_EQ(r.status, 200) << r.body;
  holder.join();
  auto parsed = portico::json::parse(e2e::readFile(report));
  const auto& streams = parsed.as_array();
  ASSERT_EQ(streams.size(), static_cast<size_t>(2 * kEach));
  int early = 0, wrongCode = 0, noRetry = 0, notReconnected = 0;
  for (const auto& s : streams) {
    EXPECT_EQ(s.at("before").as_string(), "1.0.0");
    const auto* after = s.find("after");
    if (after == nullptr || after->as_string() != "2.0.0") ++notReconnected;
    if (s.at("endedAt").as_int() < swappedAt + kDrainMs - 100) ++early;
    if (s.at("kind").as_string() == "ws" && s.at("code").as_int() != 1012) ++wrongCode;
    if (s.at("kind").as_string() == "sse" && !s.at("retry").as_bool()) ++noRetry;
  }
  EXPECT_EQ(early, 0) << "streams cut before the drain deadline";
  EXPECT_EQ(wrongCode, 0) << "WebSockets not closed with 1012";
  EXPECT_EQ(noRetry, 0) << "event streams ended without a retry hint";
  EXPECT_EQ(notReconnected, 0) << "streams that did not reconnect to 2.0.0";
  auto entry = e2e::waitUntilDrained(p, "streams", 10000);
  const auto& old = entry.at("old_generations").as_array().at(0);
  EXPECT_EQ(old.at("version").as_string(), "1.0.0");
  EXPECT_EQ(old.at("state").as_string(), "closed");
#if !defined(__SANITIZE_THREAD__)  // TSan's dlclose keeps libraries mapped (HotSwapTest.cpp)
  EXPECT_TRUE(old.at("unmapped").as_bool()) << entry.dump();
#endif
}

// ---- Trace context ----

TEST(TraceContext, ARequestsTraceIsLoggedShownToThePluginAndCarriedIntoItsJobsAndEvents) {
  Porticod p(
      streamsHost({{"log.access", "true"},
                   {"plugin.streams.trace_queue", "streams.trace." + std::to_string(::getpid())}}));
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  auto r = e2e::request(p.port(), "GET", "/streams/trace", "", {{"traceparent", incoming}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("header").as_string(), incoming);
  EXPECT_EQ(r.json().at("call").as_string(), incoming);
  EXPECT_TRUE(eventually([&] {
    return p.logs().find("trace=4bf92f3577b34da6a3ce929d0e0e4736") != std::string::npos;
  }));
  // The job and the event continue the trace, each with a span of its own.
  std::string job, event;
  EXPECT_TRUE(eventually([&] {
    auto last = e2e::get(p.port(), "/streams/trace/last").json();
    job = last.at("job").as_string();
    event = last.at("event").as_string();
    return !job.empty() && !event.empty();
  }));
  for (const auto& continued : {job, event}) {
    EXPECT_EQ(continued.substr(0, 36), incoming.substr(0, 36)) << continued;
    EXPECT_NE(continued, incoming);
  }
}

TEST(TraceContext, ARequestWithoutOneGetsATraceMadeByTheHost) {
  Porticod p(streamsHost());
  auto r = e2e::request(p.port(), "GET", "/streams/trace", "", {{"traceparent", "garbage"}});
  std::string made = r.json().at("header").as_string();
  EXPECT_EQ(made.size(), 55u) << made;
  EXPECT_EQ(made.substr(0, 3), "00-");
  EXPECT_EQ(r.json().at("call").as_string(), made);
  auto again = e2e::get(p.port(), "/streams/trace");
  EXPECT_NE(again.json().at("header").as_string(), made);
}
