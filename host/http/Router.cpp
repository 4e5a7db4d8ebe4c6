// SPDX-License-Identifier: Apache-2.0
#include "http/Router.h"

#include <algorithm>

namespace portico::http {
namespace {

bool isNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Literal segments may hold RFC 3986 pchar characters except '%' (templates are matched against
// decoded paths, so an escape in a template could never match as written).
bool isLiteralChar(char c) {
  return isNameChar(c) || c == '-' || c == '.' || c == '~' || c == '!' || c == '$' || c == '&' ||
         c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' ||
         c == '=' || c == ':' || c == '@';
}

}  // namespace

std::optional<PathTemplate> PathTemplate::parse(std::string_view pattern, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<PathTemplate> {
    if (error) *error = "invalid path template '" + std::string(pattern) + "': " + why;
    return std::nullopt;
  };
  if (pattern.empty() || pattern.front() != '/') return fail("must start with '/'");
  if (pattern.size() > 1024) return fail("longer than 1024 characters");
  PathTemplate t;
  t.pattern_ = std::string(pattern);
  if (pattern.size() == 1) return t;
  size_t pos = 1;
  for (;;) {
    size_t slash = pattern.find('/', pos);
    std::string_view seg =
        pattern.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    Segment s;
    if (!seg.empty() && seg.front() == '{') {
      if (seg.size() < 3 || seg.back() != '}') return fail("a parameter must look like {name}");
      s.text = std::string(seg.substr(1, seg.size() - 2));
      if (!std::all_of(s.text.begin(), s.text.end(), isNameChar)) {
        return fail("parameter names use [A-Za-z0-9_]");
      }
      for (const auto& other : t.segments_) {
        if (other.param && other.text == s.text) return fail("parameter {" + s.text + "} repeats");
      }
      s.param = true;
    } else {
      if (seg == "." || seg == "..") return fail("'.' and '..' segments never match");
      if (!std::all_of(seg.begin(), seg.end(), isLiteralChar)) {
        return fail("literal segment '" + std::string(seg) + "' has a character outside pchar");
      }
      s.text = std::string(seg);
    }
    t.segments_.push_back(std::move(s));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return t;
}

bool PathTemplate::match(const std::vector<std::string>& segments, Params* params) const {
  if (segments.size() != segments_.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (!segments_[i].param && segments_[i].text != segments[i]) return false;
    if (segments_[i].param && segments[i].empty()) return false;
  }
  if (params) {
    params->clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (segments_[i].param) params->emplace_back(segments_[i].text, segments[i]);
    }
  }
  return true;
}

bool PathTemplate::sameShape(const PathTemplate& other) const {
  if (segments_.size() != other.segments_.size()) return false;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const auto& a = segments_[i];
    const auto& b = other.segments_[i];
    if (a.param != b.param) return false;
    if (!a.param && a.text != b.text) return false;
  }
  return true;
}

bool PathTemplate::moreSpecificThan(const PathTemplate& other) const {
  size_t n = std::min(segments_.size(), other.segments_.size());
  for (size_t i = 0; i < n; ++i) {
    if (segments_[i].param != other.segments_[i].param) return !segments_[i].param;
  }
  return false;
}

bool isKnownMethod(std::string_view m) {
  return m == "GET" || m == "POST" || m == "PUT" || m == "PATCH" || m == "DELETE" || m == "HEAD" ||
         m == "OPTIONS";
}

size_t Router::add(std::string method, PathTemplate path) {
  routes_.push_back(Route{std::move(method), std::move(path)});
  return routes_.size() - 1;
}

Router::Match Router::match(std::string_view method,
                            const std::vector<std::string>& segments) const {
  Match result;
  const Route* best = nullptr;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& r = routes_[i];
    if (r.method != method || !r.path.match(segments, nullptr)) continue;
    if (best == nullptr || r.path.moreSpecificThan(best->path)) {
      best = &r;
      result.index = i;
    }
  }
  if (best != nullptr) {
    result.kind = Match::Kind::Found;
    best->path.match(segments, &result.params);
    return result;
  }
  result.allow = allowedMethods(segments);
  if (!result.allow.empty()) result.kind = Match::Kind::MethodNotAllowed;
  return result;
}

std::string Router::allowedMethods(const std::vector<std::string>& segments) const {
  std::vector<std::string_view> allowed;
  for (const Route& r : routes_) {
    if (r.path.match(segments, nullptr) &&
        std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
      allowed.push_back(r.method);
    }
  }
  std::sort(allowed.begin(), allowed.end());
  std::string list;
  for (auto m : allowed) {
    if (!list.empty()) list += ", ";
    list += m;
  }
  return list;
}

}  // namespace portico::http
