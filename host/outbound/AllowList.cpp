// SPDX-License-Identifier: Apache-2.0
#include "outbound/AllowList.h"

#include <charconv>
#include <stdexcept>

#include "common/IgnoreCase.h"

namespace portico::outbound {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool validHost(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string Destination::key() const {
  bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool isLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127.";
}

AllowList AllowList::parse(std::string_view list) {
  AllowList out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view raw = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (raw.empty()) continue;
    auto bad = [&](const char* why) {
      return std::invalid_argument("outbound.allow entry '" + std::string(raw) + "': " + why);
    };
    Entry e;
    std::string_view rest = raw;
    if (size_t sep = rest.find("://"); sep != std::string_view::npos) {
      std::string scheme = common::toLowerAscii(rest.substr(0, sep));
      if (scheme != "http" && scheme != "https") throw bad("scheme must be http or https");
      e.scheme = scheme;
      rest.remove_prefix(sep + 3);
    }
    std::string_view host = rest;
    std::optional<std::string_view> port;        // set when the entry has a ':port' part
    if (!rest.empty() && rest.front() == '[') {  // [::1]:8080
      size_t close = rest.find(']');
      if (close == std::string_view::npos) throw bad("unclosed '['");
      host = rest.substr(1, close - 1);
      std::string_view after = rest.substr(close + 1);
      if (!after.empty() && after.front() != ':') throw bad("expected ':' after ']'");
      if (!after.empty()) port = after.substr(1);
    } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    e.host = common::toLowerAscii(host);
    std::string_view bare = e.host;
    if (bare.substr(0, 2) == "*.") bare.remove_prefix(2);
    if (!validHost(bare)) throw bad("not a host name or address");
    if (port && *port == "*") {
      e.anyPort = true;
    } else if (port) {
      int p = 0;
      auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), p);
      if (port->empty() || ec != std::errc() || end != port->data() + port->size() || p < 1 ||
          p > 65535) {
        throw bad("port must be 1 to 65535 or *");
      }
      e.port = p;
    }
    out.entries_.push_back(std::move(e));
  }
  return out;
}

bool AllowList::Entry::hostMatches(std::string_view candidate) const {
  if (host.substr(0, 2) == "*.") {
    std::string_view domain = std::string_view(host).substr(1);  // ".example.net"
    return candidate.size() > domain.size() &&
           candidate.substr(candidate.size() - domain.size()) == domain;
  }
  return candidate == host;
}

bool AllowList::allows(const Destination& d) const {
  for (const auto& e : entries_) {
    if (!e.hostMatches(d.host)) continue;
    int wanted = e.port ? *e.port : (d.scheme == "http" ? 80 : 443);
    if (!e.anyPort && wanted != d.port) continue;
    if (e.scheme) {
      if (*e.scheme == d.scheme) return true;
    } else if (d.scheme == "https" || isLoopbackHost(d.host)) {
      return true;
    }
  }
  return false;
}

}  // namespace portico::outbound
