// Baseline for tests/bench/run: a bare Poco HTTPServer answering what hello answers, with the same
// thread, queue and keep-alive settings as porticod's defaults. Usage: bare_poco_server PORT
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/Util/ServerApplication.h>

#include <string>

namespace {

class Hello : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& res) override {
    std::string name = req.getURI().substr(req.getURI().rfind('/') + 1);
    std::string body = "{\"hello\":\"" + name + "\",\"plugin_version\":\"1.0.0\"}";
    res.setContentType("application/json");
    res.sendBuffer(body.data(), body.size());
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Hello;
  }
};

class App : public Poco::Util::ServerApplication {
  int main(const std::vector<std::string>& args) override {
    auto port = static_cast<Poco::UInt16>(std::stoi(args.at(0)));
    Poco::ThreadPool pool(16, 256);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(256);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(5, 0));
    params->setMaxKeepAliveRequests(1000);
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port), 1024);
    Poco::Net::HTTPServer server(new Factory, pool, socket, params);
    server.start();
    waitForTerminationRequest();
    server.stop();
    return EXIT_OK;
  }
};

}  // namespace

int main(int argc, char** argv) {
  App app;
  return app.run(argc, argv);
}
