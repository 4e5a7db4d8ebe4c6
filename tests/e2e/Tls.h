/* SPDX-License-Identifier: Apache-2.0 */
// TLS for tests: certificates made by the openssl command line (a CA, server certificates with a
// chosen serial, client certificates), HTTPS clients that trust that CA, and what
// `openssl s_client` sees of a listener.
#pragma once

#include <Poco/Net/HTTPSClientSession.h>

#include <cstdint>
#include <memory>
#include <string>

#include "Http.h"

namespace e2e {

struct CertificateFiles {
  std::string cert;
  std::string key;
};

class TestCa {
 public:
  // Makes the CA's key and certificate in `dir` (which must exist), as `<name>.pem`/`.key`.
  TestCa(std::string dir, std::string name);
  const std::string& file() const { return caFile_; }
  // For 127.0.0.1 and localhost, valid `days`, with that serial (hexadecimal); shaped like a
  // public CA's: ECDSA P-256, a CRL distribution point, serverAuth.
  CertificateFiles server(const std::string& name, const std::string& serialHex,
                          int days = 90) const;
  CertificateFiles client(const std::string& name) const;

 private:
  CertificateFiles sign(const std::string& name, const std::string& subject,
                        const std::string& extensions, const std::string& serialHex,
                        int days) const;

  std::string dir_;
  std::string name_;
  std::string caFile_;
  std::string caKey_;
};

// An HTTPS session to 127.0.0.1:port that trusts `caFile` (and presents `client` if given).
std::unique_ptr<Poco::Net::HTTPSClientSession> httpsSession(
    uint16_t port, const std::string& caFile, const CertificateFiles* client = nullptr);
Reply httpsGet(uint16_t port, const std::string& path, const std::string& caFile);
// Waits (up to 20 s) for /ready to answer 200 over HTTPS; false if it never did.
bool httpsReady(uint16_t port, const std::string& caFile);

// The serial (hexadecimal) of the certificate a new handshake with the listener gets; "" if none.
std::string servedSerial(uint16_t port);
// A fresh 16-byte serial, as public CAs use.
std::string randomSerial();

}  // namespace e2e
