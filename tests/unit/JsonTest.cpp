// SPDX-License-Identifier: Apache-2.0
#include "portico/json.hpp"

#include <gtest/gtest.h>

namespace json = portico::json;

TEST(Json, RoundTripsEveryType) {
  std::string text =
      R"({"n":null,"t":true,"f":false,"i":-9007199254740993,"d":1.5,"s":"a\"b\\c\n\u00e9",)"
      R"("a":[1,[2],{}],"o":{"k":"v"}})";
  auto v = json::parse(text);
  EXPECT_TRUE(v.find("n")->is_null());
  EXPECT_EQ(v.find("i")->as_int(), -9007199254740993LL) << "int64 kept exactly";
  EXPECT_EQ(v.find("d")->as_double(), 1.5);
  EXPECT_EQ(v.find("s")->as_string(), "a\"b\\c\n\xc3\xa9");
  EXPECT_EQ(json::parse(v.dump()), v);
}

TEST(Json, SurrogatePairsBecomeUtf8) {
  EXPECT_EQ(json::parse(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_THROW(json::parse(R"("\ud83d")"), json::ParseError);
  EXPECT_THROW(json::parse(R"("\ude00")"), json::ParseError);
}

TEST(Json, RefusesMalformedInput) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "tru", "\"\x01\"", "[1] x",
                          "{'a':1}", "\"\\x\"", "nan", "1e"}) {
    EXPECT_THROW(json::parse(bad), json::ParseError) << bad;
  }
}

TEST(Json, NestingIsBounded) {
  std::string deep(100000, '[');
  EXPECT_THROW(json::parse(deep), json::ParseError);
  std::string ok = std::string(60, '[') + std::string(60, ']');
  EXPECT_NO_THROW(json::parse(ok));
}

TEST(Json, ControlCharactersAreEscaped) {
  EXPECT_EQ(json::Value(std::string("\x01\t")).dump(), R"("\u0001\t")");
}

TEST(Json, TypeErrorsAreExceptionsNotCrashes) {
  auto v = json::parse("[1]");
  EXPECT_THROW(v.as_string(), json::TypeError);
  EXPECT_EQ(v.find("x"), nullptr);
}

TEST(Json, ObjectsKeepOrderAndSetReplaces) {
  json::Value v;
  v.set("b", 1);
  v.set("a", 2);
  v.set("b", 3);
  EXPECT_EQ(v.dump(), R"({"b":3,"a":2})");
}

TEST(Json, DoublesPrintShortestExactForm) {
  EXPECT_EQ(json::Value(0.1).dump(), "0.1");
  EXPECT_EQ(json::Value(1.5).dump(), "1.5");
  double third = 1.0 / 3.0;
  EXPECT_EQ(json::parse(json::Value(third).dump()).as_double(), third) << "round-trips exactly";
}

TEST(Json, ANumberTooLargeForADoubleIsRefusedNamingItsField) {
  try {
    json::parse(R"({"events":[{"properties":{"value":1e99999}}]})");
    FAIL() << "1e99999 was read as a number";
  } catch (const json::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("field 'events[0].properties.value'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
  }
  EXPECT_THROW(json::parse("-1e400"), json::ParseError);
  EXPECT_EQ(json::parse("1e-99999").as_double(), 0.0) << "underflow rounds to zero, as doubles do";
  EXPECT_EQ(json::parse("123456789012345678901234").as_double(), 1.2345678901234568e23);
}

TEST(Json, StringsMustBeValidUtf8) {
  EXPECT_EQ(json::parse("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"").as_string(),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  for (const char* bad :
       {"\"\xff\"", "\"\xc3\"", "\"\xc3(\"", "\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"",
        "\"\xf4\x90\x80\x80\"", "\"\xf8\x88\x80\x80\x80\"", "\"\x80\"", "\"\xe2\x82\""}) {
    try {
      json::parse(std::string("{\"name\":") + bad + "}");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const json::ParseError& e) {
      EXPECT_NE(std::string(e.what()).find("field 'name': string is not valid UTF-8"),
                std::string::npos)
          << e.what();
    }
  }
}
