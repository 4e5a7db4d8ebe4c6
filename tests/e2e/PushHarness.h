/* SPDX-License-Identifier: Apache-2.0 */
// What the push tests share: a host with the auth, users and streams plugins, a user's push
// ticket, and a publish to a user's channel through the streams fixture.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "AuthHarness.h"
#include "Http.h"
#include "Porticod.h"

namespace e2e {

inline Porticod::Options pushHost() {
  auto options = authHostOptions();
  options.plugins.emplace_back(fixturePath("streams_v1.so"), "streams.so");
  return options;
}

// A ticket for the holder of `access`; "" (and a failure) when none is issued.
inline std::string ticketFor(const Porticod& p, const std::string& access) {
  auto r = withToken(p, "POST", "/push/ticket", access);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json().at("ticket").as_string() : "";
}

inline void publishTo(const Porticod& p, const std::string& userId, const std::string& data) {
  EXPECT_EQ(request(p.port(), "POST", "/streams/publish/user:" + userId, data).status, 204);
}

}  // namespace e2e
