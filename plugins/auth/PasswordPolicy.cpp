// SPDX-License-Identifier: Apache-2.0
#include "PasswordPolicy.h"

#include <algorithm>
#include <cctype>

namespace auth_plugin {
namespace {

constexpr size_t kMinBytes = 10;
constexpr size_t kMaxBytes = 72;

// The most frequent passwords of public breach corpora that are long enough to pass the length
// rule; a full list belongs in a breach-check service, this catches the lazy ones.
constexpr std::string_view kCommon[] = {
    "1234567890", "12345678910",   "123456789a",  "0123456789",  "1q2w3e4r5t",   "1qaz2wsx3edc",
    "qwertyuiop", "qwerty1234",    "qwerty12345", "password12",  "password123",  "password1234",
    "passw0rd12", "iloveyou12",    "abcdefghij",  "abc1234567",  "asdfghjkl1",   "zxcvbnm123",
    "football12", "baseball12",    "princess12",  "sunshine12",  "welcome123",   "letmein123",
    "admin12345", "administrator", "changeme123", "trustno1234", "monkey1234",   "dragon1234",
    "1111111111", "0000000000",    "9876543210",  "aaaaaaaaaa",  "qwertyuiop1",  "superman12",
    "michael123", "whatever12",    "starwars12",  "computer12",  "internet12",   "samsung123",
    "p@ssw0rd12", "p@ssword123",   "q1w2e3r4t5",  "zaq12wsxcde", "1q2w3e4r5t6y", "qazwsxedc1"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::optional<std::string> checkPassword(std::string_view password, std::string_view email) {
  if (password.size() < kMinBytes) return "password must be at least 10 characters";
  if (password.size() > kMaxBytes) return "password must be at most 72 bytes";
  if (password.find('\0') != std::string_view::npos) return "password must not contain NUL";
  std::string p = lower(password);
  std::string e = lower(email);
  std::string local = e.substr(0, e.find('@'));
  if (p == e || (!local.empty() && p == local)) return "password must not be the email";
  for (auto common : kCommon) {
    if (p == common) return "password is too common";
  }
  return std::nullopt;
}

}  // namespace auth_plugin
