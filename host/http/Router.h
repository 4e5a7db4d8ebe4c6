/* SPDX-License-Identifier: Apache-2.0 */
// Method + path-template routing, shared by the public front (plugin routes) and the admin API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portico::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// A path template such as "/users/{id}/avatar": literal segments and {param} segments, each
// matching exactly one path segment.
class PathTemplate {
 public:
  // Nullopt (and *error set) for anything that is not "/" followed by literal or {name} segments.
  static std::optional<PathTemplate> parse(std::string_view pattern, std::string* error);

  bool match(const std::vector<std::string>& segments, Params* params) const;
  // True when both templates match exactly the same paths ("/a/{x}" and "/a/{y}").
  bool sameShape(const PathTemplate& other) const;
  // Orders candidates: a literal segment beats a parameter at the first position they differ.
  bool moreSpecificThan(const PathTemplate& other) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter's name
    bool param = false;
  };
  std::vector<Segment> segments_;
  std::string pattern_;
};

// True for the methods a route may name.
bool isKnownMethod(std::string_view method);

class Router {
 public:
  struct Route {
    std::string method;
    PathTemplate path;
  };

  struct Match {
    enum class Kind { Found, MethodNotAllowed, NotFound } kind = Kind::NotFound;
    size_t index = 0;   // into routes(), when Found
    Params params;      // when Found
    std::string allow;  // "GET, POST" when MethodNotAllowed
  };

  // Returns the index of the new route.
  size_t add(std::string method, PathTemplate path);
  Match match(std::string_view method, const std::vector<std::string>& segments) const;
  // Every method some route allows on that path ("GET, POST"), or "" when none matches it.
  std::string allowedMethods(const std::vector<std::string>& segments) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace portico::http
