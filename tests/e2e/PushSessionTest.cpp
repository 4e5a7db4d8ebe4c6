// SPDX-License-Identifier: Apache-2.0
// Push streams live and die with the session they were opened with: revoking it (logout, a
// password change) closes them on every host within a second and voids its tickets; a stream lost
// for any other reason comes back with Last-Event-ID and gets what it missed, and a ticket's
// stream comes back only with the resume secret its own event ids carried.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "Http.h"
#include "Porticod.h"
#include "PushHarness.h"
#include "RawSocket.h"

using e2e::Porticod;
using e2e::pushHost;
using e2e::RawSocket;
using e2e::ticketFor;
namespace json = portico::json;

namespace {

std::string get(const std::string& path, const std::string& headers = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n";
}

// The value of the last `id:` line in an event stream's text.
std::string lastId(const std::string& events) {
  size_t at = events.rfind("\nid: ");
  if (at == std::string::npos) return "";
  size_t end = events.find('\n', at + 1);
  return events.substr(at + 5, end - at - 5);
}

// Waits up to `ms` for the server to close; true when it did.
bool closedWithin(RawSocket& s, int ms, std::string* seen) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!s.closed() && std::chrono::steady_clock::now() < deadline) *seen += s.receiveFor(50);
  return s.closed();
}

}  // namespace

TEST(PushSession, ALogoutClosesTheSessionsStreamsOnEveryHostWithinASecondAndVoidsItsTickets) {
  Porticod a(pushHost());
  Porticod b(pushHost());
  const std::string email = e2e::uniqueEmail("push-logout");
  auto me = e2e::signUp(a, email);
  auto other = e2e::signIn(a, email);

  RawSocket sse(a.port());  // the host's own stream, by ticket, on the host that logs out
  sse.send(get("/push/me?ticket=" + ticketFor(a, me.access)));
  ASSERT_NE(sse.receiveUntil(": subscribed\n\n"), "");
  RawSocket ws(b.port());  // a WebSocket on the other host
  ws.send(e2e::websocketUpgrade("/push/me?ticket=" + ticketFor(b, me.access)));
  ASSERT_EQ(ws.receiveUntil("\r\n\r\n").rfind("HTTP/1.1 101 ", 0), 0u);
  RawSocket plugin(b.port());  // a plugin's stream opened with the token
  plugin.send(get("/streams/mine", "Authorization: Bearer " + me.access + "\r\n"));
  ASSERT_NE(plugin.receiveUntil(": subscribed"), "");
  RawSocket kept(b.port());  // the same user's other session stays
  kept.send(get("/push/me?ticket=" + ticketFor(b, other.access)));
  ASSERT_NE(kept.receiveUntil(": subscribed\n\n"), "");
  std::string unused = ticketFor(b, me.access);

  ASSERT_EQ(e2e::withToken(a, "POST", "/auth/logout", me.access).status, 204);
  std::string seen;
  EXPECT_TRUE(closedWithin(sse, 1000, &seen)) << "the SSE stream on the host that logged out";
  EXPECT_NE(seen.find("event: revoked\n"), std::string::npos) << seen;
  seen.clear();
  // A close frame (0x88) whose payload starts with the code 1008 (0x03F0); the server then
  // waits for the client's close frame, which this raw client never sends.
  EXPECT_NE(ws.receiveUntil("\x88", 1000), "") << "the WebSocket on the other host";
  std::string code = ws.receiveFor(200);
  ASSERT_GE(code.size(), 3u);
  EXPECT_EQ(static_cast<uint8_t>(code[1]), 0x03);
  EXPECT_EQ(static_cast<uint8_t>(code[2]), 0xF0);
  seen.clear();
  EXPECT_TRUE(closedWithin(plugin, 1000, &seen)) << "the plugin's stream";
  EXPECT_NE(seen.find("event: revoked\n"), std::string::npos) << seen;

  auto late = e2e::get(b.port(), "/push/me?ticket=" + unused);
  EXPECT_EQ(late.status, 401) << late.body;
  seen.clear();
  EXPECT_FALSE(closedWithin(kept, 300, &seen)) << "another session of the same user";
  e2e::publishTo(b, me.userId, "still here");
  EXPECT_NE(kept.receiveUntil("data: still here\n\n"), "");
  EXPECT_GE(e2e::metric(b.port(), "portico_streams_revoked_total"), 2.0);
}

TEST(PushSession, APasswordChangeClosesTheStreamsOfEverySessionOfTheUser) {
  Porticod a(pushHost());
  Porticod b(pushHost());
  const std::string email = e2e::uniqueEmail("push-password");
  auto me = e2e::signUp(a, email);
  auto second = e2e::signIn(b, email);
  RawSocket first(a.port());
  first.send(get("/push/me", "Authorization: Bearer " + me.access + "\r\n"));
  ASSERT_NE(first.receiveUntil(": subscribed\n\n"), "");
  RawSocket another(b.port());
  another.send(get("/push/me?ticket=" + ticketFor(b, second.access)));
  ASSERT_NE(another.receiveUntil(": subscribed\n\n"), "");

  auto changed = e2e::withToken(b, "POST", "/auth/password", second.access,
                                json::object({{"current_password", "correct horse battery"},
                                              {"new_password", "another horse, stapled"}})
                                    .dump());
  ASSERT_EQ(changed.status, 204) << changed.body;
  std::string seen;
  EXPECT_TRUE(closedWithin(first, 1000, &seen));
  EXPECT_NE(seen.find("event: revoked\n"), std::string::npos) << seen;
  seen.clear();
  EXPECT_TRUE(closedWithin(another, 1000, &seen));
  EXPECT_NE(seen.find("event: revoked\n"), std::string::npos) << seen;
}

TEST(PushSession, MessagesCarryIdsAndAStreamThatComesBackGetsWhatItMissedInOrder) {
  Porticod p(pushHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("push-replay"));
  const std::string auth = "Authorization: Bearer " + me.access + "\r\n";
  std::string cursor;
  {
    RawSocket s(p.port());
    s.send(get("/push/me", auth));
    ASSERT_NE(s.receiveUntil(": subscribed\n\n"), "");
    e2e::publishTo(p, me.userId, "one");
    std::string events = s.receiveUntil("data: one\n\n");
    ASSERT_NE(events, "");
    cursor = lastId(events);
    ASSERT_FALSE(cursor.empty()) << events;
  }
  e2e::publishTo(p, me.userId, "two");
  e2e::publishTo(p, me.userId, "three");
  RawSocket back(p.port());
  back.send(get("/push/me", auth + "Last-Event-ID: " + cursor + "\r\n"));
  std::string events = back.receiveUntil(": subscribed\n\n");
  ASSERT_NE(events, "");
  size_t two = events.find("data: two\n");
  size_t three = events.find("data: three\n");
  EXPECT_NE(two, std::string::npos) << events;
  EXPECT_NE(three, std::string::npos) << events;
  EXPECT_LT(two, three);
  EXPECT_EQ(events.find("data: one\n"), std::string::npos) << "given once, not twice";
  e2e::publishTo(p, me.userId, "four");
  EXPECT_NE(back.receiveUntil("data: four\n\n"), "");
}

TEST(PushSession, ATicketReopensAStreamOnlyWithTheResumeSecretItsEventsCarried) {
  Porticod p(pushHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("push-resume"));
  std::string ticket = ticketFor(p, me.access);
  const std::string url = "/push/me?ticket=" + ticket;
  std::string lastEventId;
  {
    RawSocket s(p.port());
    s.send(get(url));
    std::string events = s.receiveUntil(": subscribed\n\n");
    ASSERT_NE(events, "");
    lastEventId = lastId(events);
  }
  size_t slash = lastEventId.find('/');
  ASSERT_NE(slash, std::string::npos) << "a ticket's ids carry its secret: " << lastEventId;
  e2e::publishTo(p, me.userId, "while away");

  // Copied from an access log: the URL alone, or with a guessed secret, opens nothing.
  EXPECT_EQ(e2e::get(p.port(), url).status, 401);
  EXPECT_EQ(e2e::request(p.port(), "GET", url, "",
                         {{"Last-Event-ID", lastEventId.substr(0, slash) + "/guess"}})
                .status,
            401);
  {
    RawSocket s(p.port());
    s.send(get(url, "Last-Event-ID: " + lastEventId + "\r\n"));
    EXPECT_NE(s.receiveUntil("data: while away\n\n"), "") << "the reconnection gets what it missed";
  }
  ASSERT_EQ(e2e::withToken(p, "POST", "/auth/logout", me.access).status, 204);
  auto after = e2e::request(p.port(), "GET", url, "", {{"Last-Event-ID", lastEventId}});
  EXPECT_EQ(after.status, 401) << "the session has ended: " << after.body;
}
