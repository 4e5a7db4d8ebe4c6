// SPDX-License-Identifier: Apache-2.0
// The outbound client's policies on their own: allow-list entries, trace context, breakers.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/TraceContext.h"
#include "outbound/AllowList.h"
#include "outbound/CircuitBreakers.h"
#include "outbound/HttpClient.h"

using portico::outbound::AllowList;
using portico::outbound::Destination;

namespace {

Destination at(const std::string& url) {
  Destination d;
  EXPECT_TRUE(portico::outbound::parseDestination(url, &d, nullptr)) << url;
  return d;
}

}  // namespace

TEST(AllowList, DeniesEverythingWhenEmpty) {
  EXPECT_FALSE(AllowList::parse("").allows(at("https://api.openai.com/v1")));
}

TEST(AllowList, AHostAloneMeansHttpsOnItsDefaultPort) {
  auto list = AllowList::parse("api.openai.com");
  EXPECT_TRUE(list.allows(at("https://api.openai.com/v1/chat")));
  EXPECT_TRUE(list.allows(at("https://API.OpenAI.com/v1/chat")));
  EXPECT_FALSE(list.allows(at("http://api.openai.com/v1/chat")));
  EXPECT_FALSE(list.allows(at("https://api.openai.com:8443/")));
  EXPECT_FALSE(list.allows(at("https://evil-api.openai.com/")));
  EXPECT_FALSE(list.allows(at("https://api.openai.com.evil.net/")));
}

TEST(AllowList, WildcardsCoverSubdomainsAndPorts) {
  auto list = AllowList::parse(" *.example.net:8443 , 127.0.0.1:* ");
  EXPECT_TRUE(list.allows(at("https://a.example.net:8443/")));
  EXPECT_TRUE(list.allows(at("https://a.b.example.net:8443/")));
  EXPECT_FALSE(list.allows(at("https://example.net:8443/")));
  EXPECT_FALSE(list.allows(at("https://a.example.net/")));
  // Loopback may be reached over plain http without naming the scheme.
  EXPECT_TRUE(list.allows(at("http://127.0.0.1:9000/")));
  EXPECT_TRUE(list.allows(at("https://127.0.0.1:1/")));
}

TEST(AllowList, PlainHttpElsewhereOnlyWhenTheSchemeIsWritten) {
  EXPECT_FALSE(AllowList::parse("hooks.example.com:80").allows(at("http://hooks.example.com/")));
  EXPECT_TRUE(AllowList::parse("http://hooks.example.com").allows(at("http://hooks.example.com/")));
  EXPECT_TRUE(AllowList::parse("http://[::1]:*").allows(at("http://[::1]:8080/")));
}

TEST(AllowList, AMalformedEntryIsRefusedByName) {
  for (const char* bad : {"ftp://x.com", "x.com:0", "x.com:99999", "x.com:", "[::1", "x y.com"}) {
    try {
      AllowList::parse(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(TraceContext, KeepsAValidTraceAndDerivesOneOtherwise) {
  const std::string incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_EQ(portico::common::traceparentFor(incoming, "req-1"), incoming);
  for (const char* bad : {"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"}) {
    std::string made = portico::common::traceparentFor(bad, "req-1");
    EXPECT_TRUE(portico::common::validTraceparent(made)) << made;
    EXPECT_NE(made, bad);
    // One call, one trace: the same id gives the same trace every time.
    EXPECT_EQ(made, portico::common::traceparentFor(bad, "req-1"));
  }
  EXPECT_NE(portico::common::traceparentFor("", "req-1"),
            portico::common::traceparentFor("", "req-2"));
}

TEST(CircuitBreakers, OpenAfterConsecutiveFailuresThenLetOneProbeThrough) {
  portico::outbound::CircuitBreakers breakers(3, 100);
  std::chrono::milliseconds wait{0};
  for (int i = 0; i < 2; ++i) breakers.failed("https://a:443");
  breakers.succeeded("https://a:443");  // a success in between resets the count
  for (int i = 0; i < 2; ++i) breakers.failed("https://a:443");
  EXPECT_TRUE(breakers.admit("https://a:443", &wait));
  breakers.failed("https://a:443");
  EXPECT_FALSE(breakers.admit("https://a:443", &wait));
  EXPECT_GT(wait.count(), 0);
  EXPECT_TRUE(breakers.admit("https://b:443", &wait)) << "another destination is not affected";

  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_TRUE(breakers.admit("https://a:443", &wait)) << "the probe";
  EXPECT_FALSE(breakers.admit("https://a:443", &wait)) << "only one probe at a time";
  breakers.failed("https://a:443");
  EXPECT_FALSE(breakers.admit("https://a:443", &wait)) << "a failed probe opens it again";
  std::this_thread::sleep_for(std::chrono::milliseconds(120));
  EXPECT_TRUE(breakers.admit("https://a:443", &wait));
  breakers.succeeded("https://a:443");
  EXPECT_TRUE(breakers.admit("https://a:443", &wait));
  EXPECT_TRUE(breakers.admit("https://a:443", &wait)) << "closed again";
}
