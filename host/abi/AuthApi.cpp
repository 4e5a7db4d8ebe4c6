// SPDX-License-Identifier: Apache-2.0
#include "abi/ApiParts.h"

#include <cstring>

#include "abi/AbiGlue.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "auth/AuthService.h"
#include "http/ClientAddress.h"

namespace portico::abi {
namespace {

portico_status unavailable(portico_error* err) {
  portico_error_set(err, "authentication is not configured on this host");
  return PORTICO_ERR_UNAVAILABLE;
}

portico_status requestPrincipal(const portico_request* req, portico_principal* out) {
  if (req == nullptr || out == nullptr || out->struct_size < sizeof(size_t)) {
    return PORTICO_ERR_INVALID_ARGUMENT;
  }
  if (req->principal == nullptr) return PORTICO_ERR_NOT_FOUND;
  const auth::Principal& p = *req->principal;
  portico_principal full{};
  full.struct_size = out->struct_size;
  full.subject = ps(p.subject);
  full.scopes = ps(p.scope);
  full.claims = ps(p.claims);
  full.token_id = ps(p.tokenId);
  full.expires_at = p.expiresAt;
  full.service = ps(p.service);
  // A plugin built against an older, smaller portico_principal gets only what it knows of.
  std::memcpy(out, &full, std::min(out->struct_size, sizeof full));
  return PORTICO_OK;
}

portico_str requestClientIp(const portico_request* req) {
  if (req == nullptr || req->http == nullptr) return portico_str{};
  try {
    if (req->clientIp.empty()) {
      static const std::vector<std::string> none;
      req->clientIp = http::clientIp(*req->http, req->trustedProxies ? *req->trustedProxies : none);
    }
  } catch (...) {
    return portico_str{};
  }
  return ps(req->clientIp);
}

portico_str requestScheme(const portico_request* req) {
  if (req == nullptr || req->http == nullptr) return ps("http");
  static const std::vector<std::string> none;
  return ps(http::clientScheme(*req->http, req->trustedProxies ? *req->trustedProxies : none));
}

portico_status tokenIssue(portico_host_ctx* ctx, portico_str claims, uint32_t ttlSeconds, char* out,
                          size_t cap, size_t* len, char* tokenIdOut, int64_t* expiresAt,
                          portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || out == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
    if (ctx->plugin->services->auth == nullptr || !ctx->plugin->services->auth->canSign())
      return unavailable(err);
    json::Value parsed;
    try {
      parsed = json::parse(sv(claims));
    } catch (const json::ParseError& e) {
      portico_error_set(err, (std::string("claims are not JSON: ") + e.what()).c_str());
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    auth::IssuedToken issued;
    try {
      issued =
          ctx->plugin->services->auth->issue(std::move(parsed), ttlSeconds, auth::TokenUse::Access);
    } catch (const auth::TokenError& e) {
      portico_error_set(err, e.what());
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (len) *len = issued.token.size();
    if (issued.token.size() + 1 > cap) {
      portico_error_set(err, "token does not fit the buffer; *len holds its length");
      return PORTICO_ERR_TOO_LARGE;
    }
    std::memcpy(out, issued.token.c_str(), issued.token.size() + 1);
    copyOut(issued.id, tokenIdOut, PORTICO_TOKEN_ID_MAX);
    if (expiresAt) *expiresAt = issued.expiresAt;
    return PORTICO_OK;
  });
}

portico_status tokenRevoke(portico_host_ctx* ctx, portico_str tokenId, int64_t expiresAt,
                           portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || tokenId.len == 0 || tokenId.len > 64) {
      portico_error_set(err, "token id must be 1 to 64 bytes");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (ctx->plugin->services->auth == nullptr) return unavailable(err);
    ctx->plugin->services->auth->revokeToken(std::string(sv(tokenId)), expiresAt);
    return PORTICO_OK;
  });
}

portico_status subjectRevoke(portico_host_ctx* ctx, portico_str subject, portico_error* err) {
  return guarded(err, [&] {
    if (ctx == nullptr || subject.len == 0 || subject.len > 256) {
      portico_error_set(err, "subject must be 1 to 256 bytes");
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    if (ctx->plugin->services->auth == nullptr) return unavailable(err);
    ctx->plugin->services->auth->revokeSubject(std::string(sv(subject)));
    return PORTICO_OK;
  });
}

portico_status tokenJwks(portico_host_ctx* ctx, portico_str* jwks) {
  if (ctx == nullptr || jwks == nullptr) return PORTICO_ERR_INVALID_ARGUMENT;
  if (ctx->plugin->services->auth == nullptr) return PORTICO_ERR_UNAVAILABLE;
  *jwks = ps(ctx->plugin->services->auth->jwks());
  return PORTICO_OK;
}

}  // namespace

void fillAuthApi(portico_host_api& api) {
  api.request_principal = &requestPrincipal;
  api.request_client_ip = &requestClientIp;
  api.request_scheme = &requestScheme;
  api.token_issue = &tokenIssue;
  api.token_revoke = &tokenRevoke;
  api.subject_revoke = &subjectRevoke;
  api.token_jwks = &tokenJwks;
}

}  // namespace portico::abi
