// porticoctl: the admin API from a shell, and the signing of plugins.
//   PORTICO_ADMIN_URL   (default http://127.0.0.1:8081)
//   PORTICO_ADMIN_TOKEN (required for the admin API)
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

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
    "environment: PORTICO_ADMIN_URL (default http://127.0.0.1:8081), PORTICO_ADMIN_TOKEN\n";

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
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
  Poco::Net::HTTPClientSession session(base.getHost(), base.getPort());
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

int main(int argc, char** argv) {
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
      auto body = readFile(argv[3]);
      if (!body) {
        std::cerr << "porticoctl: cannot read " << argv[3] << "\n";
        return 2;
      }
      return call(
          "PUT", (cmd == "install" ? "/admin/plugins/" : "/admin/rollouts/") + std::string(argv[2]),
          &*body, readFile(std::string(argv[3]) + ".sig"));
    }
    if (cmd == "sign" && argc == 4) return sign(argv[2], argv[3]);
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
