// SPDX-License-Identifier: Apache-2.0
// porticoctl: the admin API from a shell, and the signing of plugins.
//   PORTICO_ADMIN_URL   (default http://127.0.0.1:8081; https:// when admin.tls.* is set)
//   PORTICO_ADMIN_TOKEN (required for the admin API)
//   PORTICO_ADMIN_CERT, PORTICO_ADMIN_KEY, PORTICO_ADMIN_CACERT, or --cert, --key, --cacert:
//   a client certificate (admin.tls.client_ca_file) and the CA that signed porticod's.
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/BuildInfo.h"
#include "common/ReadFile.h"
#include "lifecycle/FileDigest.h"
#include "lifecycle/PluginFile.h"
#include "lifecycle/PluginSignature.h"

namespace {

const char* kUsage =
    "usage: porticoctl list\n"
    "       porticoctl reload NAME\n"
    "       porticoctl install NAME FILE.so\n"
    "       porticoctl unload NAME\n"
    "       porticoctl sign KEY.pem FILE.so   (writes FILE.so.sig; install sends it along)\n"
    "       porticoctl rollout NAME FILE.so   (to every porticod sharing this one's Redis)\n"
    "       porticoctl rollout status [NAME]\n"
    "       porticoctl tls [reload]           (the certificates served; read them again)\n"
    "       porticoctl --version\n"
    "options (before the command): --cert FILE --key FILE   a client certificate\n"
    "                              --cacert FILE            the CA that signed porticod's\n"
    "environment: PORTICO_ADMIN_URL (default http://127.0.0.1:8081), PORTICO_ADMIN_TOKEN,\n"
    "             PORTICO_ADMIN_CERT, PORTICO_ADMIN_KEY, PORTICO_ADMIN_CACERT\n";

// How to reach the admin listener over TLS: the flags, else the environment.
struct TlsClient {
  std::string cert;
  std::string key;
  std::string cacert;
};

std::string fromEnvironment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

TlsClient tlsClient;

std::unique_ptr<Poco::Net::HTTPClientSession> sessionFor(const Poco::URI& base) {
  if (base.getScheme() != "https") {
    return std::make_unique<Poco::Net::HTTPClientSession>(base.getHost(), base.getPort());
  }
  // The server's certificate is checked against --cacert (else the system's CAs) and its name.
  Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, tlsClient.key, tlsClient.cert, tlsClient.cacert,
      Poco::Net::Context::VERIFY_RELAXED, 9, tlsClient.cacert.empty());
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
      new Poco::Net::RejectCertificateHandler(false));
  Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
  return std::make_unique<Poco::Net::HTTPSClientSession>(base.getHost(), base.getPort(), context);
}

// Signs the plugin with an Ed25519 private key over its bytes and the name and version it
// declares (read by opening it, as porticod will).
int sign(const std::string& key, const std::string& plugin) {
  std::string why;
  auto file = portico::lifecycle::PluginFile::open(plugin, &why);
  if (!file) {
    std::cerr << "porticoctl: " << plugin << ": " << why << "\n";
    return 2;
  }
  portico::lifecycle::SignedClaims claims{
      std::string(file->info().name.ptr, file->info().name.len),
      std::string(file->info().version.ptr, file->info().version.len),
      portico::lifecycle::sha256OfFile(plugin)};
  file.reset();
  auto signature = portico::lifecycle::signPlugin(key, claims);
  std::ofstream(plugin + ".sig", std::ios::trunc) << signature.dump();
  std::cout << "signed " << claims.name << " " << claims.version << " (sha256 " << claims.sha256
            << ") with key " << signature.keyId << ": " << plugin << ".sig\n";
  return 0;
}

int call(const std::string& method, const std::string& path, const std::string* body,
         const std::optional<std::string>& signature = std::nullopt) {
  const char* url = std::getenv("PORTICO_ADMIN_URL");
  const char* token = std::getenv("PORTICO_ADMIN_TOKEN");
  if (token == nullptr || *token == '\0') {
    std::cerr << "porticoctl: set PORTICO_ADMIN_TOKEN to porticod's admin.token\n";
    return 2;
  }
  Poco::URI base(url ? url : "http://127.0.0.1:8081");
  auto connection = sessionFor(base);
  Poco::Net::HTTPClientSession& session = *connection;
  session.setTimeout(Poco::Timespan(120, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Authorization", std::string("Bearer ") + token);
  if (signature) {
    std::string line = *signature;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    request.set("X-Portico-Signature", line);
  }
  if (body) {
    request.setContentType("application/octet-stream");
    request.setContentLength(static_cast<std::streamsize>(body->size()));
  }
  std::ostream& out = session.sendRequest(request);
  if (body) out.write(body->data(), static_cast<std::streamsize>(body->size()));
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  // A refusal goes to stderr, so that it still shows when the answer is sent to /dev/null.
  bool ok = response.getStatus() < 300;
  std::ostream& to = ok ? std::cout : std::cerr;
  Poco::StreamCopier::copyStream(in, to);
  to << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int main(int rawArgc, char** rawArgv) {
  tlsClient = {fromEnvironment("PORTICO_ADMIN_CERT"), fromEnvironment("PORTICO_ADMIN_KEY"),
               fromEnvironment("PORTICO_ADMIN_CACERT")};
  std::vector<char*> args{rawArgv[0]};
  for (int i = 1; i < rawArgc; ++i) {
    std::string flag = rawArgv[i];
    std::string* into = flag == "--cert"     ? &tlsClient.cert
                        : flag == "--key"    ? &tlsClient.key
                        : flag == "--cacert" ? &tlsClient.cacert
                                             : nullptr;
    if (into == nullptr || args.size() > 1) {
      args.push_back(rawArgv[i]);
    } else if (i + 1 < rawArgc) {
      *into = rawArgv[++i];
    } else {
      std::cerr << "porticoctl: " << flag << " needs a file\n" << kUsage;
      return 2;
    }
  }
  int argc = static_cast<int>(args.size());
  char** argv = args.data();
  std::string cmd = argc > 1 ? argv[1] : "";
  try {
    if (cmd == "list" && argc == 2) return call("GET", "/admin/plugins", nullptr);
    if (cmd == "reload" && argc == 3) {
      return call("POST", "/admin/plugins/" + std::string(argv[2]) + "/reload", nullptr);
    }
    if (cmd == "unload" && argc == 3)
      return call("DELETE", "/admin/plugins/" + std::string(argv[2]), nullptr);
    if (cmd == "rollout" && argc >= 3 && std::string(argv[2]) == "status" && argc <= 4) {
      return call("GET", "/admin/rollouts" + (argc == 4 ? "/" + std::string(argv[3]) : ""),
                  nullptr);
    }
    // install and rollout upload a file the same way, to a plugin or a fleet.
    if ((cmd == "install" || cmd == "rollout") && argc == 4) {
      auto body = portico::common::readFile(argv[3]);
      if (!body) {
        std::cerr << "porticoctl: cannot read " << argv[3] << "\n";
        return 2;
      }
      return call(
          "PUT", (cmd == "install" ? "/admin/plugins/" : "/admin/rollouts/") + std::string(argv[2]),
          &*body, portico::common::readFile(std::string(argv[3]) + ".sig"));
    }
    if (cmd == "--version" && argc == 2) {
      std::cout << "porticoctl " << portico::common::describeBuild() << "\n";
      return 0;
    }
    if (cmd == "sign" && argc == 4) return sign(argv[2], argv[3]);
    if (cmd == "tls" && argc == 2) return call("GET", "/admin/tls", nullptr);
    if (cmd == "tls" && argc == 3 && std::string(argv[2]) == "reload") {
      return call("POST", "/admin/tls/reload", nullptr);
    }
  } catch (const Poco::Exception& e) {
    std::cerr << "porticoctl: " << e.displayText() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "porticoctl: " << e.what() << "\n";
    return 2;
  }
  std::cerr << kUsage;
  return 2;
}
