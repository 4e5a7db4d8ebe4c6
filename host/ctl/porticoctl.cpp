// porticoctl: the admin API from a shell.
//   PORTICO_ADMIN_URL   (default http://127.0.0.1:8081)
//   PORTICO_ADMIN_TOKEN (required)
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

const char* kUsage =
    "usage: porticoctl list\n"
    "       porticoctl reload NAME\n"
    "       porticoctl install NAME FILE.so\n"
    "       porticoctl unload NAME\n"
    "environment: PORTICO_ADMIN_URL (default http://127.0.0.1:8081), PORTICO_ADMIN_TOKEN\n";

int call(const std::string& method, const std::string& path, const std::string* body) {
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
    if (cmd == "install" && argc == 4) {
      std::ifstream file(argv[3], std::ios::binary);
      if (!file) {
        std::cerr << "porticoctl: cannot read " << argv[3] << "\n";
        return 2;
      }
      std::ostringstream bytes;
      bytes << file.rdbuf();
      std::string body = bytes.str();
      return call("PUT", "/admin/plugins/" + std::string(argv[2]), &body);
    }
  } catch (const Poco::Exception& e) {
    std::cerr << "porticoctl: " << e.displayText() << "\n";
    return 2;
  }
  std::cerr << kUsage;
  return 2;
}
