// SPDX-License-Identifier: Apache-2.0
#include "portico/input.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace {

portico::Input body(const std::string& text) {
  return portico::Input(portico::json::parse(text));
}

// The 400 an accessor answers, or "" when it answered a value.
std::string refusal(const std::function<void()>& read) {
  try {
    read();
  } catch (const portico::HttpError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Input, AStringHoldingNulIsAClientMistakeNamingTheField) {
  auto in = body(R"({"profile":{"name":"a\u0000b"},"tags":["x","\u0000"]})");
  EXPECT_NE(refusal([&] {
              in.at("profile").at("name").as_string();
            }).find("field 'profile.name' must not contain the NUL character"),
            std::string::npos);
  EXPECT_NE(refusal([&] { in.at("tags").items().at(1).as_string(16); }).find("field 'tags[1]'"),
            std::string::npos);
  EXPECT_EQ(in.at("profile").at("name").as_string(portico::Input::Nul::allowed),
            std::string("a\0b", 3));
  EXPECT_EQ(in.at("tags").items().at(0).as_string(16), "x");
}
