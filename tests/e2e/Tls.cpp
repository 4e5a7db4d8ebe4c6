// SPDX-License-Identifier: Apache-2.0
#include "Tls.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <openssl/rand.h>

#include <fstream>
#include <mutex>
#include <stdexcept>

#include "Eventually.h"

namespace e2e {

namespace {

void run(const std::string& command) {
  auto [code, out] = runCommand(command + " 2>&1");
  if (code != 0) throw std::runtime_error(command + " failed: " + out);
}

}  // namespace

TestCa::TestCa(std::string dir, std::string name)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      caFile_(dir_ + "/" + name_ + ".pem"),
      caKey_(dir_ + "/" + name_ + ".key") {
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -keyout " +
      caKey_ + " -out " + caFile_ + " -subj '/O=Portico tests/CN=" + name_ + "'" +
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
}

CertificateFiles TestCa::sign(const std::string& name, const std::string& subject,
                              const std::string& extensions, const std::string& serialHex,
                              int days) const {
  CertificateFiles files{dir_ + "/" + name + ".pem", dir_ + "/" + name + ".key"};
  std::string csr = dir_ + "/" + name + ".csr";
  std::string ext = dir_ + "/" + name + ".ext";
  std::ofstream(ext) << extensions;
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + files.key +
      " -out " + csr + " -subj '" + subject + "'");
  run("openssl x509 -req -in " + csr + " -CA " + caFile_ + " -CAkey " + caKey_ + " -set_serial 0x" +
      serialHex + " -days " + std::to_string(days) + " -extfile " + ext + " -out " + files.cert);
  return files;
}

CertificateFiles TestCa::server(const std::string& name, const std::string& serialHex,
                                int days) const {
  return sign(name, "/CN=localhost",
              "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
              "basicConstraints=critical,CA:FALSE\n"
              "keyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=serverAuth\n"
              "crlDistributionPoints=URI:http://127.0.0.1/" +
                  name_ + ".crl\n",
              serialHex, days);
}

CertificateFiles TestCa::client(const std::string& name) const {
  return sign(name, "/CN=" + name,
              "basicConstraints=critical,CA:FALSE\n"
              "keyUsage=critical,digitalSignature\n"
              "extendedKeyUsage=clientAuth\n",
              randomSerial(), 30);
}

std::unique_ptr<Poco::Net::HTTPSClientSession> httpsSession(uint16_t port,
                                                            const std::string& caFile,
                                                            const CertificateFiles* client) {
  Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, client ? client->key : "", client ? client->cert : "",
      caFile, Poco::Net::Context::VERIFY_RELAXED);
  // Poco asks its SSLManager what to do with a certificate that fails: refuse, never prompt.
  static std::once_flag once;
  std::call_once(once, [&] {
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), context);
  });
  return std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, context);
}

Reply httpsGet(uint16_t port, const std::string& path, const std::string& caFile) {
  auto session = httpsSession(port, caFile);
  return exchange(*session, "GET", path);
}

bool httpsReady(uint16_t port, const std::string& caFile) {
  return eventually(std::chrono::seconds(20), [&] {
    try {
      return httpsGet(port, "/ready", caFile).status == 200;
    } catch (const std::exception&) {
      return false;
    }
  });
}

std::string servedSerial(uint16_t port) {
  auto [code, out] = runCommand("openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                                " </dev/null 2>/dev/null | openssl x509 -noout -serial");
  auto at = out.find("serial=");
  if (code != 0 || at == std::string::npos) return "";
  std::string serial = out.substr(at + 7);
  while (!serial.empty() && (serial.back() == '\n' || serial.back() == '\r')) serial.pop_back();
  return serial;
}

std::string randomSerial() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  bytes[0] &= 0x7f;  // positive
  bytes[0] |= 0x10;  // no leading zero byte: openssl prints every one of the 32 digits
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace e2e
