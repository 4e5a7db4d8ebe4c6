// SPDX-License-Identifier: Apache-2.0
#include "HttpPeer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <map>
#include <thread>

#include "portico/json.hpp"

namespace e2e {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class Script : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Script(HttpPeer& peer) : peer_(peer) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    Poco::URI uri(request.getURI());
    std::string path = uri.getPath();
    std::map<std::string, std::string> query;
    for (const auto& [k, v] : uri.getQueryParameters()) query[k] = v;
    auto param = [&](const std::string& key, const std::string& fallback) {
      auto it = query.find(key);
      return it == query.end() ? fallback : it->second;
    };
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    int before = peer_.count(path);
    auto send = [&](int status, const std::string& text) {
      response.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
      response.setContentLength(static_cast<std::streamsize>(text.size()));
      response.send() << text;
    };
    if (path == "/ok") {
      portico::json::Value headers = portico::json::object({});
      for (const auto& [name, value] : request) headers.set(Poco::toLower(name), value);
      response.setContentType("application/json");
      send(200, portico::json::object(
                    {{"method", request.getMethod()}, {"headers", headers}, {"body", body}})
                    .dump());
    } else if (path.rfind("/flaky/", 0) == 0) {
      int fail = std::stoi(param("fail", "1"));
      if (before < fail) {
        if (query.count("retry_after")) response.set("Retry-After", param("retry_after", ""));
        send(std::stoi(param("status", "503")), "not yet");
      } else {
        send(200, "recovered");
      }
    } else if (path.rfind("/always/", 0) == 0) {
      send(std::stoi(path.substr(8, 3)), "always");
    } else if (path == "/slow") {
      if (!peer_.pause(std::stoi(param("ms", "1000")))) return;
      send(200, "slow");
    } else if (path == "/stream") {
      int chunks = std::stoi(param("chunks", "3"));
      int gap = std::stoi(param("gap_ms", "50"));
      response.setChunkedTransferEncoding(true);
      std::ostream& out = response.send();
      for (int i = 0; i < chunks && out.good(); ++i) {
        out << "chunk-" << i << "\n" << std::flush;
        if (!peer_.pause(gap)) return;
      }
    } else if (path == "/redirect") {
      response.set("Location", param("to", "/"));
      send(std::stoi(param("status", "302")), "moved");
    } else {
      send(404, "no such script");
    }
  }

 private:
  HttpPeer& peer_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(HttpPeer& peer) : peer_(peer) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Script(peer_);
  }

 private:
  HttpPeer& peer_;
};

}  // namespace

HttpPeer::HttpPeer() : server_(std::make_unique<LoopbackServer>(new Factory(*this))) {}

HttpPeer::~HttpPeer() {
  stopping_ = true;
  server_.reset();
}

bool HttpPeer::pause(int ms) const {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return !stopping_;
}

std::string HttpPeer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
}

int HttpPeer::hits(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

int HttpPeer::count(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  return hits_[path]++;
}

}  // namespace e2e
