// SPDX-License-Identifier: Apache-2.0
#include "LoadClients.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>

#include "Eventually.h"
#include "portico/json.hpp"

namespace e2e {

LoadClients::LoadClients(uint16_t port, std::string path, std::string field, int threads,
                         int maxSeconds)
    : port_(port), path_(std::move(path)), field_(std::move(field)), maxSeconds_(maxSeconds) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

LoadClients::~LoadClients() {
  stop();
}

void LoadClients::stop() {
  stop_ = true;
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::map<std::string, uint64_t> LoadClients::byValue() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return byValue_;
}

std::vector<std::string> LoadClients::failureSamples() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failureSamples_;
}

void LoadClients::run() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(maxSeconds_);
  Poco::Net::HTTPClientSession session("127.0.0.1", port_);
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(10, 0));
  std::map<std::string, uint64_t> local;
  auto fail = [&](const std::string& why) {
    ++failures_;
    std::lock_guard<std::mutex> lock(mutex_);
    if (failureSamples_.size() < 10) failureSamples_.push_back(why);
  };
  while (!stop_ && std::chrono::steady_clock::now() < deadline) {
    try {
      Poco::Net::HTTPRequest req("GET", path_, Poco::Net::HTTPMessage::HTTP_1_1);
      req.setKeepAlive(true);
      session.sendRequest(req);
      Poco::Net::HTTPResponse res;
      std::istream& in = session.receiveResponse(res);
      std::string body;
      Poco::StreamCopier::copyToString(in, body);
      if (res.getStatus() != 200) {
        fail("status " + std::to_string(res.getStatus()) + ": " + body);
        continue;
      }
      const portico::json::Value doc = portico::json::parse(body);
      const portico::json::Value* value = doc.find(field_);
      if (value == nullptr || !value->is_string()) {
        fail("no '" + field_ + "' in " + body);
        continue;
      }
      ++local[value->as_string()];
      ++ok_;
    } catch (const std::exception& e) {
      fail(std::string("exception: ") + e.what());
      session.reset();
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [k, v] : local) byValue_[k] += v;
}

bool LoadClients::answersMore(uint64_t more) const {
  uint64_t target = ok_ + more;
  return eventually([&] { return ok_ >= target; });
}

}  // namespace e2e
