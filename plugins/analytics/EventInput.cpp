// SPDX-License-Identifier: Apache-2.0
#include "EventInput.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/TextIterator.h>
#include <Poco/UTF8Encoding.h>

#include <cctype>
#include <cstdio>
#include <random>

#include "Caller.h"

namespace analytics_plugin {

namespace json = portico::json;

namespace {

bool printable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// PostgreSQL stores neither NUL nor invalid UTF-8 in jsonb: one such string would fail the
// whole batch's insert, so it fails only its own event here.
bool storable(const std::string& s) {
  if (s.find('\0') != std::string::npos) return false;
  Poco::UTF8Encoding utf8;
  Poco::TextIterator it(s, utf8);
  Poco::TextIterator end(s);
  for (; it != end; ++it) {
    if (*it < 0) return false;
  }
  return true;
}

const char* const kNotStorable = "text must be UTF-8 without NUL characters";

// Why `v` (at `depth`, inside properties) breaks the limits, or "" when it does not.
std::string checkValue(const json::Value& v, const Limits& limits, int depth) {
  if (v.is_string()) {
    if (!storable(v.as_string())) return kNotStorable;
    return v.as_string().size() > limits.maxValueBytes
               ? "a property value is longer than " + std::to_string(limits.maxValueBytes) +
                     " bytes"
               : "";
  }
  if (!v.is_object() && !v.is_array()) return "";
  if (depth >= limits.maxDepth) {
    return "properties nest deeper than " + std::to_string(limits.maxDepth) + " levels";
  }
  if (v.is_array()) {
    if (v.as_array().size() > limits.maxProperties) {
      return "a property array has more than " + std::to_string(limits.maxProperties) + " items";
    }
    for (const auto& item : v.as_array()) {
      if (auto why = checkValue(item, limits, depth + 1); !why.empty()) return why;
    }
    return "";
  }
  if (v.as_object().size() > limits.maxProperties) {
    return "more than " + std::to_string(limits.maxProperties) + " properties";
  }
  for (const auto& [key, value] : v.as_object()) {
    if (key.empty() || key.size() > limits.maxKeyBytes) {
      return "a property name is empty or longer than " + std::to_string(limits.maxKeyBytes) +
             " bytes";
    }
    if (!storable(key)) return kNotStorable;
    if (auto why = checkValue(value, limits, depth + 1); !why.empty()) return why;
  }
  return "";
}

// A name-like field: present, a string, 1..max printable bytes.
std::string checkName(const json::Value& input, const char* field, size_t max, std::string& out) {
  const json::Value* v = input.find(field);
  if (v == nullptr || !v->is_string()) return std::string(field) + " is required, a string";
  out = v->as_string();
  if (out.empty() || out.size() > max || !printable(out) || !storable(out)) {
    return std::string(field) + " must be 1 to " + std::to_string(max) +
           " bytes of UTF-8 without control characters";
  }
  return "";
}

// The time a UUIDv7 carries in its first 48 bits.
std::optional<int64_t> uuidV7Time(const std::string& uuid) {
  if (uuid[14] != '7') return std::nullopt;
  std::string hex = uuid.substr(0, 8) + uuid.substr(9, 4);
  return static_cast<int64_t>(std::stoull(hex, nullptr, 16));
}

}  // namespace

std::string newUuidV7(int64_t ms) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t a = random();
  uint64_t b = random();
  char out[37];
  std::snprintf(out, sizeof out, "%08llx-%04llx-7%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(ms >> 16),
                static_cast<unsigned long long>(ms & 0xffff),
                static_cast<unsigned long long>(a & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((a >> 12) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

std::optional<int64_t> parseTimestamp(const std::string& text) {
  // RFC 3339 only: a date, 'T', a time, and a zone, as every analytics SDK sends.
  if (text.size() < 20 || text.size() > 35 || text[10] != 'T' ||
      (text.back() != 'Z' && text[text.size() - 6] != '+' && text[text.size() - 6] != '-')) {
    return std::nullopt;
  }
  Poco::DateTime parsed;
  int zone = 0;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, parsed,
                                      zone)) {
    return std::nullopt;
  }
  parsed.makeUTC(zone);
  return parsed.timestamp().epochMicroseconds() / 1000;
}

Checked checkEvent(const json::Value& input, const Limits& limits, int64_t nowMs) {
  Checked result;
  if (!input.is_object()) {
    result.reason = "an event is a JSON object";
    return result;
  }
  ValidEvent e;
  if (auto why = checkName(input, "event", limits.maxNameBytes, e.event); !why.empty()) {
    result.reason = why;
    return result;
  }
  if (auto why = checkName(input, "distinct_id", limits.maxNameBytes, e.distinctId); !why.empty()) {
    result.reason = why;
    return result;
  }
  if (const json::Value* uuid = input.find("uuid"); uuid != nullptr && !uuid->is_null()) {
    if (!uuid->is_string() || !portico::common::isUuid(uuid->as_string())) {
      result.reason = "uuid must be a UUID";
      return result;
    }
    e.uuid = uuid->as_string();
    for (char& c : e.uuid) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }

  std::optional<int64_t> ts;
  if (const json::Value* t = input.find("timestamp"); t != nullptr && !t->is_null()) {
    if (t->is_int()) {
      ts = t->as_int();
    } else if (t->is_string()) {
      ts = parseTimestamp(t->as_string());
    }
    if (!ts) {
      result.reason = "timestamp must be RFC 3339 text or milliseconds since the epoch";
      return result;
    }
  } else if (!e.uuid.empty()) {
    ts = uuidV7Time(e.uuid);  // a retried event keeps its time, and so its duplicate key
  }
  e.tsMs = ts.value_or(nowMs);
  if (e.tsMs < nowMs - limits.maxAgeMs) {
    result.reason =
        "timestamp is more than " + std::to_string(limits.maxAgeMs / 86400000) + " days old";
    return result;
  }
  if (e.tsMs > nowMs + limits.maxFutureMs) {
    e.tsMs = nowMs;
    e.clamped = true;
  }

  const json::Value* properties = input.find("properties");
  if (properties == nullptr || properties->is_null()) {
    e.properties = "{}";
  } else if (!properties->is_object()) {
    result.reason = "properties must be an object";
    return result;
  } else {
    if (auto why = checkValue(*properties, limits, 0); !why.empty()) {
      result.reason = why;
      return result;
    }
    e.properties = properties->dump();
    if (e.properties.size() > limits.maxPropertiesBytes) {
      result.reason =
          "properties take more than " + std::to_string(limits.maxPropertiesBytes) + " bytes";
      return result;
    }
  }
  result.event = std::move(e);
  return result;
}

}  // namespace analytics_plugin
