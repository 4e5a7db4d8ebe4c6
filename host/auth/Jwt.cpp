// SPDX-License-Identifier: Apache-2.0
#include "auth/Jwt.h"

#include <openssl/rand.h>

#include <iterator>

#include "auth/Base64Url.h"
#include "auth/Keyring.h"

namespace portico::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8192;
constexpr int64_t kMaxClaimTime = int64_t{1} << 40;  // far beyond any real date, no overflow

const json::Value& member(const json::Value& object, std::string_view name) {
  static const json::Value missing;
  const json::Value* v = object.find(name);
  return v ? *v : missing;
}

std::string stringClaim(const json::Value& payload, std::string_view name, bool required) {
  const json::Value& v = member(payload, name);
  if (v.is_null() && !required) return {};
  if (!v.is_string() || v.as_string().empty()) {
    throw TokenError("claim '" + std::string(name) + "' is missing or not a string");
  }
  return v.as_string();
}

int64_t timeClaim(const json::Value& payload, std::string_view name, bool required) {
  const json::Value& v = member(payload, name);
  if (v.is_null() && !required) return 0;
  if (!v.is_int() || v.as_int() < 0 || v.as_int() > kMaxClaimTime) {
    throw TokenError("claim '" + std::string(name) + "' is missing or not a NumericDate");
  }
  return v.as_int();
}

bool audienceMatches(const json::Value& aud, const std::string& expected) {
  if (aud.is_string()) return aud.as_string() == expected;
  if (!aud.is_array()) return false;
  for (const auto& a : aud.as_array()) {
    if (a.is_string() && a.as_string() == expected) return true;
  }
  return false;
}

json::Value decodePart(std::string_view part, const char* what) {
  auto bytes = base64UrlDecode(part);
  if (!bytes) throw TokenError(std::string("token ") + what + " is not base64url");
  json::Value v;
  try {
    v = json::parse(*bytes);
  } catch (const json::ParseError&) {
    throw TokenError(std::string("token ") + what + " is not JSON");
  }
  if (!v.is_object()) throw TokenError(std::string("token ") + what + " is not a JSON object");
  // Readers disagree on which of two equal names wins; a token must not mean two things.
  const auto& members = v.as_object();
  for (auto it = members.begin(); it != members.end(); ++it) {
    for (auto later = std::next(it); later != members.end(); ++later) {
      if (later->first == it->first) {
        throw TokenError(std::string("token ") + what + " names '" + it->first + "' twice");
      }
    }
  }
  return v;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string signJwt(const SigningKey& key, const json::Value& payload) {
  json::Value header =
      json::object({{"alg", toString(key.algorithm())}, {"typ", "JWT"}, {"kid", key.kid()}});
  std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(payload.dump());
  return input + "." + base64UrlEncode(key.sign(input));
}

VerifiedToken verifyJwt(std::string_view token, const Keyring& keys, const ClaimsPolicy& policy,
                        int64_t nowS) {
  if (token.size() > kMaxTokenBytes) throw TokenError("token is too long");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    throw TokenError("token is not header.payload.signature");
  }
  json::Value header = decodePart(token.substr(0, dot1), "header");
  const json::Value& alg = member(header, "alg");
  const json::Value& kid = member(header, "kid");
  if (!alg.is_string() || !kid.is_string()) throw TokenError("token header lacks alg or kid");
  if (header.find("crit") != nullptr) throw TokenError("token header has crit extensions");
  const json::Value& typ = member(header, "typ");
  if (!typ.is_null() && !(typ.is_string() && typ.as_string() == "JWT")) {
    throw TokenError("token typ is not JWT");
  }
  const SigningKey* key = keys.find(kid.as_string());
  if (key == nullptr) throw TokenError("token kid is unknown");
  if (alg.as_string() != toString(key->algorithm())) {
    throw TokenError("token alg does not match its key");
  }
  auto signature = base64UrlDecode(token.substr(dot2 + 1));
  if (!signature || !key->verify(token.substr(0, dot2), *signature)) {
    throw TokenError("token signature is invalid");
  }

  VerifiedToken out;
  out.payload = decodePart(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  const json::Value& p = out.payload;
  if (stringClaim(p, "iss", true) != policy.issuer)
    throw TokenError("token issuer is not accepted");
  if (!audienceMatches(member(p, "aud"), policy.audience)) {
    throw TokenError("token audience is not accepted");
  }
  if (stringClaim(p, "token_use", true) != policy.tokenUse) {
    throw TokenError(wrongUse(policy.tokenUse));
  }
  out.subject = stringClaim(p, "sub", true);
  out.id = stringClaim(p, "jti", true);
  out.scope = stringClaim(p, "scope", false);
  out.expiresAt = timeClaim(p, "exp", true);
  out.notBefore = timeClaim(p, "nbf", false);
  int64_t issuedAt = timeClaim(p, "iat", true);
  if (issuedAt > nowS + policy.clockSkewS) throw TokenError("token was issued in the future");
  if (out.expiresAt - issuedAt > policy.maxTtlS) {
    throw TokenError("token lives longer than this issuer allows");
  }
  out.issuedAtMs = uuidV7Millis(out.id);
  if (out.issuedAtMs < 0) throw TokenError("token jti was not minted by this issuer");
  checkTimes(out, policy.clockSkewS, nowS);
  return out;
}

std::string wrongUse(const std::string& expected) {
  return "token is not a" + std::string(expected == "access" ? "n " : " ") + expected + " token";
}

void checkTimes(const VerifiedToken& token, int64_t clockSkewS, int64_t nowS) {
  if (nowS >= token.expiresAt + clockSkewS) throw TokenError("token has expired");
  if (nowS + clockSkewS < token.notBefore) throw TokenError("token is not valid yet");
}

std::string newUuidV7(int64_t unixMs) {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unixMs >> (40 - 8 * i));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  return out;
}

int64_t uuidV7Millis(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[14] != '7' ||
      text[18] != '-' || text[23] != '-') {
    return -1;
  }
  int64_t ms = 0;
  int digits = 0;
  for (char c : text) {
    if (c == '-') continue;
    int v = hexValue(c);
    if (v < 0) return -1;
    if (digits++ < 12) ms = (ms << 4) | v;
  }
  return ms;
}

}  // namespace portico::auth
