// SPDX-License-Identifier: Apache-2.0
// A browser's own push stream: a signed-in user trades the access token for a one-time ticket,
// opens /push/me (server-sent events or WebSocket) with it, and receives what any host publishes
// to user:<id>; a ticket opens one stream (a reconnection needs more: PushSessionTest.cpp) and a
// stream without one is refused.
#include <gtest/gtest.h>

#include <string>

#include "Http.h"
#include "Porticod.h"
#include "PushHarness.h"
#include "RawSocket.h"

using e2e::Porticod;
using e2e::pushHost;
using e2e::RawSocket;
using e2e::ticketFor;

TEST(Push, ASignedInBrowserGetsItsOwnChannelOverServerSentEventsWithATicket) {
  Porticod p(pushHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("push"));
  auto other = e2e::signUp(p, e2e::uniqueEmail("push-other"));
  std::string ticket = ticketFor(p, me.access);

  RawSocket s(p.port());
  s.send("GET /push/me?ticket=" + ticket + " HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string head = s.receiveUntil(": subscribed\n\n");
  ASSERT_NE(head, "");
  EXPECT_EQ(e2e::parseRaw(head).headers["content-type"], "text/event-stream");
  e2e::publishTo(p, other.userId, "not for me");
  e2e::publishTo(p, me.userId, "for me");
  std::string events = s.receiveUntil("data: for me\n\n");
  EXPECT_NE(events, "");
  EXPECT_EQ(events.find("not for me"), std::string::npos);
}

TEST(Push, ATicketOpensOneStreamOnly) {
  Porticod p(pushHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("push-once"));
  std::string ticket = ticketFor(p, me.access);
  RawSocket first(p.port());
  first.send("GET /push/me?ticket=" + ticket + " HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(first.receiveUntil(": subscribed"), "");
  auto again = e2e::get(p.port(), "/push/me?ticket=" + ticket);
  EXPECT_EQ(again.status, 401);
  EXPECT_NE(again.json().at("message").as_string().find("unknown, used or expired"),
            std::string::npos);
}

TEST(Push, WithoutATicketOrATokenTheStreamIsRefused) {
  Porticod p(pushHost());
  EXPECT_EQ(e2e::get(p.port(), "/push/me").status, 401);
  EXPECT_EQ(e2e::get(p.port(), "/push/me?ticket=made-up").status, 401);
  EXPECT_EQ(e2e::request(p.port(), "POST", "/push/ticket").status, 401);
}

TEST(Push, TheWrongMethodIs405WithTheOneThatFits) {
  Porticod p(pushHost());
  auto ticket = e2e::get(p.port(), "/push/ticket");
  EXPECT_EQ(ticket.status, 405);
  EXPECT_EQ(ticket.headers["allow"], "POST");
  auto stream = e2e::request(p.port(), "POST", "/push/me");
  EXPECT_EQ(stream.status, 405);
  EXPECT_EQ(stream.headers["allow"], "GET");
  EXPECT_NE(stream.json().at("message").as_string().find("POST is not allowed on /push/me"),
            std::string::npos);
}

TEST(Push, AWebSocketWithATicketGetsTheUsersMessages) {
  Porticod p(pushHost());
  auto me = e2e::signUp(p, e2e::uniqueEmail("push-ws"));
  std::string ticket = ticketFor(p, me.access);
  RawSocket s(p.port());
  s.send(e2e::websocketUpgrade("/push/me?ticket=" + ticket));
  ASSERT_EQ(s.receiveUntil("\r\n\r\n").rfind("HTTP/1.1 101 ", 0), 0u);
  e2e::publishTo(p, me.userId, "over the socket");
  // One unmasked text frame from the server: 0x81, the length, the text.
  std::string frame = s.receiveUntil("over the socket");
  ASSERT_GE(frame.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(frame[0]), 0x81);
}
