// SPDX-License-Identifier: Apache-2.0
#include "http/TlsContext.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>
#include <sys/stat.h>

#include <cstring>

namespace portico::http {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's queued errors as one line, emptying the queue.
std::string opensslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? "unknown error" : out;
}

[[noreturn]] void fail(const std::string& what) {
  throw TlsError(what + " (" + opensslErrors() + ")");
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

TlsCertificate describe(X509* cert) {
  TlsCertificate out;
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(serial)) {
      out.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(serial);
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  out.subject = bioText(bio.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> time(BIO_new(BIO_s_mem()), BIO_free);
  ASN1_TIME_print(time.get(), X509_get0_notAfter(cert));
  out.notAfter = bioText(time.get());
  return out;
}

// HTTP/1.1 is all this server speaks: a client that offers ALPN without it goes on without ALPN
// (as nginx does) rather than being told a protocol it would then not get.
int selectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, kHttp11, sizeof kHttp11, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

std::shared_ptr<ssl::context> build(const TlsOptions& o, TlsCertificate* certificate) {
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, o.tls13Only ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_ECDH_USE);
  if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, o.ciphers.c_str()) != 1) {
    fail("no usable TLS 1.2 cipher in '" + o.ciphers + "'");
  }
  if (!o.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites.c_str()) != 1) {
    fail("no usable TLS 1.3 cipher suite in '" + o.ciphersuites + "'");
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, o.certFile.c_str()) != 1) {
    fail("cannot use the certificate chain in " + o.certFile);
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, o.keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      fail("the key in " + o.keyFile + " does not match the certificate in " + o.certFile);
    }
    fail("cannot use the private key in " + o.keyFile);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    fail("the key in " + o.keyFile + " does not match the certificate in " + o.certFile);
  }
  X509* leaf = SSL_CTX_get0_certificate(ctx);
  *certificate = describe(leaf);
  if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0) {
    throw TlsError("the certificate in " + o.certFile + " expired on " + certificate->notAfter);
  }
  if (!o.clientCaFile.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, o.clientCaFile.c_str(), nullptr) != 1) {
      fail("cannot read the client CA " + o.clientCaFile);
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.clientCaFile.c_str());
    if (names == nullptr) fail("no CA certificate in " + o.clientCaFile);
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  // Resumption: session ids (which need an id context once client certificates are asked for)
  // and TLS 1.3 tickets, both OpenSSL's defaults otherwise.
  static const unsigned char kSessionContext[] = "porticod";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, nullptr);
  return context;
}

}  // namespace

TlsContext::TlsContext(TlsOptions options) : options_(std::move(options)) {
  if (options_.keyFile.empty()) throw TlsError("a certificate needs its key file");
  signature_ = filesSignature();
  context_ = build(options_, &certificate_);
}

std::shared_ptr<ssl::context> TlsContext::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return context_;
}

TlsCertificate TlsContext::certificate() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return certificate_;
}

TlsContext::Reload TlsContext::reload() {
  std::string signature = filesSignature();
  Reload result;
  try {
    TlsCertificate certificate;
    auto context = build(options_, &certificate);
    std::lock_guard<std::mutex> lock(mutex_);
    result.changed = true;
    context_ = std::move(context);
    certificate_ = std::move(certificate);
    signature_ = std::move(signature);
    result.message = "serving certificate serial " + certificate_.serial + " (" +
                     certificate_.subject + ", until " + certificate_.notAfter + ")";
  } catch (const TlsError& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Not tried again until the files change again.
    signature_ = std::move(signature);
    result.ok = false;
    result.message = std::string(e.what()) + "; still serving serial " + certificate_.serial;
  }
  return result;
}

TlsContext::Reload TlsContext::reloadIfChanged() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (filesSignature() == signature_) return {};
  }
  return reload();
}

std::string TlsContext::filesSignature() const {
  std::string out;
  for (const auto* path : {&options_.certFile, &options_.keyFile, &options_.clientCaFile}) {
    struct stat st {};
    if (path->empty() || ::stat(path->c_str(), &st) != 0) {
      out += "-;";
      continue;
    }
    out += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return out;
}

}  // namespace portico::http
