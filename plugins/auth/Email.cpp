// SPDX-License-Identifier: Apache-2.0
#include "Email.h"

#include <cctype>

namespace auth_plugin {
namespace {

constexpr size_t kMaxAddress = 254;
constexpr size_t kMaxLocal = 64;
constexpr size_t kMaxLabel = 63;

bool localChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+/=?^_`{|}~-.").find(c) != std::string_view::npos;
}

bool validLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-')
    return false;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

std::optional<std::string> fail(std::string* why, const char* message) {
  *why = message;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> normaliseEmail(std::string_view raw, std::string* why) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front())))
    raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.empty()) return fail(why, "email is empty");
  if (raw.size() > kMaxAddress) return fail(why, "email is longer than 254 characters");
  std::string email;
  for (char c : raw) {
    if (static_cast<unsigned char>(c) >= 0x80) return fail(why, "email must be ASCII");
    email += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t at = email.find('@');
  if (at == std::string::npos || email.find('@', at + 1) != std::string::npos)
    return fail(why, "email must contain exactly one '@'");
  std::string_view local = std::string_view(email).substr(0, at);
  std::string_view domain = std::string_view(email).substr(at + 1);
  if (local.empty() || local.size() > kMaxLocal)
    return fail(why, "email's local part is empty or too long");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return fail(why, "email's local part has a misplaced '.'");
  for (char c : local) {
    if (!localChar(c)) return fail(why, "email's local part has a character that is not allowed");
  }
  size_t labels = 0;
  size_t start = 0;
  while (true) {
    size_t dot = domain.find('.', start);
    std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!validLabel(label)) return fail(why, "email's domain is not a valid host name");
    ++labels;
    if (dot == std::string_view::npos) {
      if (label.size() < 2 || std::isdigit(static_cast<unsigned char>(label.front())))
        return fail(why, "email's domain needs a top-level domain");
      break;
    }
    start = dot + 1;
  }
  if (labels < 2) return fail(why, "email's domain needs a top-level domain");
  return email;
}

}  // namespace auth_plugin
