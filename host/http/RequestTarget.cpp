// SPDX-License-Identifier: Apache-2.0
#include "http/RequestTarget.h"

namespace portico::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percentDecode(std::string_view in, std::string& out, bool plusAsSpace) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hexValue(in[i + 1]);
      int lo = hexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plusAsSpace) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::optional<std::string> parseTarget(std::string_view target, RequestTarget& out) {
  if (target.empty() || target.front() != '/') {
    return std::string("request target must be an absolute path starting with '/'");
  }
  size_t q = target.find('?');
  std::string_view rawPath = target.substr(0, q);
  size_t hash = rawPath.find('#');
  if (hash != std::string_view::npos) return std::string("request target must not contain '#'");
  out.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  out.segments.clear();
  out.path.clear();
  if (rawPath.size() == 1) {
    out.path = "/";
    return std::nullopt;
  }
  size_t pos = 1;
  std::string decoded;
  for (;;) {
    size_t slash = rawPath.find('/', pos);
    std::string_view raw =
        rawPath.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    if (!percentDecode(raw, decoded, false))
      return std::string("malformed percent-encoding in path");
    if (decoded.find('\0') != std::string::npos) return std::string("NUL byte in path");
    if (decoded == "." || decoded == "..") {
      return std::string("path must not contain '.' or '..' segments");
    }
    out.path += '/';
    out.path += decoded;
    out.segments.push_back(decoded);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return std::nullopt;
}

std::optional<std::string> queryParam(std::string_view query, std::string_view name) {
  size_t pos = 0;
  std::string key;
  std::string value;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    std::string_view pair = query.substr(pos, amp == std::string_view::npos ? amp : amp - pos);
    size_t eq = pair.find('=');
    if (percentDecode(pair.substr(0, eq), key, true) && key == name) {
      if (eq == std::string_view::npos) return std::string();
      if (percentDecode(pair.substr(eq + 1), value, true)) return value;
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return std::nullopt;
}

}  // namespace portico::http
