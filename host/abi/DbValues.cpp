// SPDX-License-Identifier: Apache-2.0
#include "abi/DbValues.h"
#include "abi/AbiGlue.h"

#include <cinttypes>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>

namespace portico::abi {
namespace {

// PostgreSQL type OIDs (pg_type.dat); stable across versions.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
              kFloat4 = 700, kFloat8 = 701, kTimestamp = 1114, kTimestamptz = 1184, kUuid = 2950,
              kJsonb = 3802;

constexpr int64_t kMicrosPerSecond = 1000000;

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea arrives in hex output format: \x0a1b...
std::string decodeBytea(const char* text, int length) {
  std::string out;
  if (length < 2 || text[0] != '\\' || text[1] != 'x')
    return std::string(text, static_cast<size_t>(length));
  out.reserve(static_cast<size_t>(length - 2) / 2);
  for (int i = 2; i + 1 < length; i += 2) {
    out += static_cast<char>(hexValue(text[i]) * 16 + hexValue(text[i + 1]));
  }
  return out;
}

std::string formatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

}  // namespace

std::string formatTimestamp(int64_t micros) {
  if (micros == INT64_MAX) return "infinity";
  if (micros == INT64_MIN) return "-infinity";
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t fraction = micros % kMicrosPerSecond;
  if (fraction < 0) {
    fraction += kMicrosPerSecond;
    --seconds;
  }
  time_t t = static_cast<time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) throw std::invalid_argument("timestamp out of range");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06" PRId64 "+00",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                fraction);
  return buf;
}

bool parseTimestamp(const char* text, int64_t* micros) {
  if (std::strcmp(text, "infinity") == 0) {
    *micros = INT64_MAX;
    return true;
  }
  if (std::strcmp(text, "-infinity") == 0) {
    *micros = INT64_MIN;
    return true;
  }
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(text, "%d-%d-%d %d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return false;
  }
  const char* rest = text + consumed;
  int64_t fraction = 0;
  if (*rest == '.') {
    int digits = 0;
    ++rest;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 6) fraction = fraction * 10 + (*rest - '0');
      ++digits;
      ++rest;
    }
    for (; digits < 6; ++digits) fraction *= 10;
  }
  // UTC sessions print "+00"; anything else would mean the zone setting was lost.
  if (*rest != '\0' && std::strcmp(rest, "+00") != 0) return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *micros = static_cast<int64_t>(timegm(&tm)) * kMicrosPerSecond + fraction;
  return true;
}

resources::PgParam toParam(const portico_value& v) {
  resources::PgParam p;
  switch (v.type) {
    case PORTICO_TYPE_NULL:
      break;
    case PORTICO_TYPE_INT64:
      p.type = kInt8;
      p.value = std::to_string(v.i64);
      break;
    case PORTICO_TYPE_DOUBLE:
      p.type = kFloat8;
      p.value = formatDouble(v.f64);
      break;
    case PORTICO_TYPE_BOOL:
      p.type = kBool;
      p.value = v.b ? "t" : "f";
      break;
    case PORTICO_TYPE_TEXT:
      // Unknown type: the server infers it from the statement, as for a quoted literal.
      p.value = std::string(sv(v.str));
      break;
    case PORTICO_TYPE_BYTEA:
      p.type = kBytea;
      p.value = std::string(sv(v.str));
      p.binary = true;
      break;
    case PORTICO_TYPE_UUID:
      p.type = kUuid;
      p.value = std::string(sv(v.str));
      break;
    case PORTICO_TYPE_TIMESTAMPTZ:
      p.type = kTimestamptz;
      p.value = formatTimestamp(v.i64);
      break;
    case PORTICO_TYPE_JSONB:
      p.type = kJsonb;
      p.value = std::string(sv(v.str));
      break;
    default:
      throw std::invalid_argument("parameter has unknown portico_type " + std::to_string(v.type));
  }
  if (p.value && p.value->find('\0') != std::string::npos && !p.binary) {
    throw std::invalid_argument("text parameter contains a NUL byte (use PORTICO_TYPE_BYTEA)");
  }
  return p;
}

portico_value cellValue(const resources::PgResult& result, int row, int column,
                        std::deque<std::string>& scratch) {
  portico_value v{};
  if (result.isNull(row, column)) {
    v.type = PORTICO_TYPE_NULL;
    return v;
  }
  const char* text = result.value(row, column);
  int length = result.length(row, column);
  switch (result.columnType(column)) {
    case kBool:
      v.type = PORTICO_TYPE_BOOL;
      v.b = text[0] == 't';
      return v;
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      v.type = PORTICO_TYPE_INT64;
      v.i64 = std::strtoll(text, nullptr, 10);
      return v;
    case kFloat4:
    case kFloat8:
      v.type = PORTICO_TYPE_DOUBLE;
      v.f64 = std::strtod(text, nullptr);
      return v;
    case kBytea:
      v.type = PORTICO_TYPE_BYTEA;
      scratch.push_back(decodeBytea(text, length));
      v.str = portico_str{scratch.back().data(), scratch.back().size()};
      return v;
    case kTimestamp:
    case kTimestamptz:
      if (parseTimestamp(text, &v.i64)) {
        v.type = PORTICO_TYPE_TIMESTAMPTZ;
        return v;
      }
      break;  // unexpected format: hand over the text rather than a wrong number
    case kUuid:
      v.type = PORTICO_TYPE_UUID;
      break;
    case kJson:
    case kJsonb:
      v.type = PORTICO_TYPE_JSONB;
      break;
    default:
      break;
  }
  if (v.type == PORTICO_TYPE_NULL) v.type = PORTICO_TYPE_TEXT;
  v.str = portico_str{text, static_cast<size_t>(length)};
  return v;
}

}  // namespace portico::abi
