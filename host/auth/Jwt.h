/* SPDX-License-Identifier: Apache-2.0 */
// JWS compact serialisation of JWTs (RFC 7515/7519): signing, and verification that trusts
// nothing in the token until its signature checks out with a key we chose by `kid`.
//
// Not on Poco::JWT: in 1.11 (Debian 12) its verification compares HS256 MACs with
// std::vector::operator== (not constant-time: a timing oracle for forging a MAC byte by byte),
// accepts a token with more than three parts (only `parts.size() < 3` is refused), decodes
// base64url leniently (whitespace skipped, so one token has many spellings), throws from
// tryVerify on malformed input and asserts on an empty ECDSA signature half. The signatures
// themselves are OpenSSL's (SigningKey.cpp), base64url is Poco's (Base64Url.cpp); what is ours is
// the framing and the claim checks.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "portico/json.hpp"

namespace portico::auth {

class Keyring;
class SigningKey;

// Why a token was refused; the message is safe to show the client (error_description).
class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a valid token has to match besides its signature.
struct ClaimsPolicy {
  std::string issuer;
  std::string audience;
  std::string tokenUse;  // "access" (Authorization: Bearer) or "service" (X-Service-Token)
  int64_t clockSkewS = 30;
  int64_t maxTtlS = 86400;  // exp - iat may not exceed this (auth.max_ttl_s)
};

// The claims of a token that passed every check.
struct VerifiedToken {
  json::Value payload;
  std::string subject;
  std::string scope;
  std::string id;  // jti
  int64_t expiresAt = 0;
  int64_t notBefore = 0;
  int64_t issuedAtMs = 0;  // from the jti (a UUIDv7 minted by the issuer)
};

// header.payload.signature, with {"alg", "typ":"JWT", "kid"} as header.
std::string signJwt(const SigningKey& key, const json::Value& payload);

// Verifies structure, header and signature, then the claims against policy at `nowS`
// (seconds since the epoch): a member name given twice (RFC 7519 section 4), an `iat` in the
// future or a lifetime beyond policy.maxTtlS is refused, whoever signed it. The algorithm comes
// from the key named by `kid`, never from the token: a header whose alg differs from its key's is
// refused, which rules out `none` and HS256-signed-with-a-public-key alike. Throws TokenError.
VerifiedToken verifyJwt(std::string_view token, const Keyring& keys, const ClaimsPolicy& policy,
                        int64_t nowS);

// The refusal for a token presented where a token of another token_use belongs.
std::string wrongUse(const std::string& expected);

// Checks only the time claims again (for a token verified earlier and cached).
void checkTimes(const VerifiedToken& token, int64_t clockSkewS, int64_t nowS);

// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds then random bits, as 36 characters.
std::string newUuidV7(int64_t unixMs);
// The milliseconds of a UUIDv7, or -1 when text is not one.
int64_t uuidV7Millis(std::string_view text);

}  // namespace portico::auth
