/* SPDX-License-Identifier: Apache-2.0 */
// The TLS side of one listener (http.tls.*, admin.tls.*): an OpenSSL context built from PEM files,
// replaced whole on a reload. New handshakes take the context current at their accept; an open
// connection keeps the one it started with. A reload that fails (unreadable file, key not
// matching the certificate, certificate expired) changes nothing and says why.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace portico::http {

struct TlsOptions {
  std::string certFile;      // PEM: the certificate, then its chain
  std::string keyFile;       // PEM: its private key
  std::string clientCaFile;  // set: clients must present a certificate this CA signed
  std::string ciphers;       // TLS 1.2 suites, OpenSSL's cipher-list syntax
  std::string ciphersuites;  // TLS 1.3 suites
  bool tls13Only = false;    // min_version = 1.3

  bool enabled() const { return !certFile.empty(); }
};

// What the context serves, for the admin API and the log.
struct TlsCertificate {
  std::string serial;  // hexadecimal, as openssl x509 -serial prints it
  std::string subject;
  std::string notAfter;
};

class TlsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TlsContext {
 public:
  // Builds the first context; throws TlsError with the reason.
  explicit TlsContext(TlsOptions options);

  std::shared_ptr<boost::asio::ssl::context> current() const;
  TlsCertificate certificate() const;

  struct Reload {
    bool ok = true;
    bool changed = false;  // a new context serves from now on
    std::string message;
  };
  // Reads the files again and serves them if they make a valid context.
  Reload reload();
  // The same, only when a file changed on disk since the last load (its inode, size or time).
  Reload reloadIfChanged();

 private:
  std::string filesSignature() const;

  TlsOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  TlsCertificate certificate_;
  std::string signature_;  // filesSignature() at the last load attempt
};

}  // namespace portico::http
