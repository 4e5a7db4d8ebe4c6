// SPDX-License-Identifier: Apache-2.0
#include "FakeProvider.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <thread>

namespace e2e {

namespace {

namespace json = portico::json;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

std::string lastContent(const json::Value& body) {
  const auto& messages = body.at("messages").as_array();
  const json::Value& content = messages.back().at("content");
  return content.is_string() ? content.as_string() : content.dump();
}

json::Value usage() {
  return json::object({{"prompt_tokens", 12}, {"completion_tokens", 5}, {"total_tokens", 17}});
}

std::string event(const json::Value& chunk) {
  return "data: " + chunk.dump() + "\n\n";
}

json::Value delta(const std::string& model, json::Value d, json::Value reason = nullptr) {
  return json::object(
      {{"id", "chatcmpl-fake"},
       {"object", "chat.completion.chunk"},
       {"created", 1},
       {"model", model},
       {"choices", json::Array{json::object(
                       {{"index", 0}, {"delta", std::move(d)}, {"finish_reason", reason}})}}});
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeProvider& fake) : fake_(fake) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    std::string path = request.getURI();
    std::string text;
    Poco::StreamCopier::copyToString(request.stream(), text);
    auto send = [&](int status, const std::string& body) {
      response.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
      response.setContentType("application/json");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      response.send() << body;
    };
    auto error = [&](int status, const std::string& message) {
      send(status,
           json::object({{"error", json::object({{"message", message}, {"type", "fake_error"}})}})
               .dump());
    };
    FakeProvider::Seen& seen = fake_.seen();
    {
      std::lock_guard<std::mutex> lock(seen.mutex);
      seen.authorizations.push_back(request.get("Authorization", ""));
    }
    if (path == "/v1/chat/completions" && request.getMethod() == "POST") {
      json::Value body = json::parse(text);
      std::string model = body.at("model").as_string();
      int before = 0;
      {
        std::lock_guard<std::mutex> lock(seen.mutex);
        before = static_cast<int>(seen.bodies[model].size());
        seen.bodies[model].push_back(body);
      }
      const json::Value* stream = body.find("stream");
      bool streamed = stream != nullptr && stream->as_bool();
      if (model == "m-401") return error(401, "Incorrect API key provided");
      if (model == "m-500") return error(500, "the server had an error");
      if (model == "m-400") return error(400, "maximum context length exceeded");
      if (model == "m-429" && before == 0) {
        response.set("Retry-After", "1");
        return error(429, "rate limit reached");
      }
      if (model == "m-late") std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      std::string answer = "answer to: " + lastContent(body);
      if (!streamed) {
        return send(
            200, json::object(
                     {{"id", "chatcmpl-fake"},
                      {"object", "chat.completion"},
                      {"created", 1},
                      {"model", model},
                      {"choices",
                       json::Array{json::object(
                           {{"index", 0},
                            {"message", json::object({{"role", "assistant"}, {"content", answer}})},
                            {"finish_reason", "stop"}})}},
                      {"usage", usage()}})
                     .dump());
      }
      streamReply(request, response, body, model, answer);
      return;
    }
    if (path.rfind("/v1/models/acme/", 0) == 0 && request.getMethod() == "POST") {
      std::string name = path.substr(16, path.find('/', 16) - 16);
      std::string id;
      {
        std::lock_guard<std::mutex> lock(seen.mutex);
        // Unique across runs, as Replicate's are: the suite's database keeps old jobs.
        id = name + "-" +
             std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "-" +
             std::to_string(++seen.predictions);
        seen.modelOf[id] = name;
        seen.bodies["acme/" + name].push_back(json::parse(text));
      }
      return send(201, json::object({{"id", id}, {"status", "starting"}}).dump());
    }
    if (path.rfind("/v1/predictions/", 0) == 0) {
      std::string rest = path.substr(16);
      if (rest.size() > 7 && rest.substr(rest.size() - 7) == "/cancel") {
        std::string id = rest.substr(0, rest.size() - 7);
        std::lock_guard<std::mutex> lock(seen.mutex);
        seen.cancelled.push_back(id);
        response.setStatus(HTTPResponse::HTTP_OK);
        response.setContentLength(0);
        response.send();
        return;
      }
      std::string name;
      int polls = 0;
      {
        std::lock_guard<std::mutex> lock(seen.mutex);
        auto it = seen.modelOf.find(rest);
        if (it == seen.modelOf.end()) return error(404, "no such prediction");
        name = it->second;
        polls = ++seen.polls[rest];
      }
      if (name == "painter" && polls >= 2) {
        return send(200,
                    json::object({{"id", rest},
                                  {"status", "succeeded"},
                                  {"output", json::Array{"https://cdn.example/" + rest + ".png"}},
                                  {"metrics", json::object({{"predict_time", 1.5}})}})
                        .dump());
      }
      return send(200, json::object({{"id", rest}, {"status", "processing"}}).dump());
    }
    error(404, "no such route");
  }

 private:
  void streamReply(HTTPServerRequest& request, HTTPServerResponse& response,
                   const json::Value& body, const std::string& model, const std::string& answer) {
    response.setStatus(HTTPResponse::HTTP_OK);
    response.setContentType("text/event-stream");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    out << event(delta(model, json::object({{"role", "assistant"}, {"content", ""}})));
    out << event(delta(model, json::object({{"content", answer.substr(0, 6)}}))) << std::flush;
    if (model == "m-gated" && !fake_.waitForRelease()) return;
    if (model == "m-slow") return waitForClose(request);
    out << event(delta(model, json::object({{"content", answer.substr(6)}})));
    out << event(delta(model, json::object({}), "stop"));
    const json::Value* options = body.find("stream_options");
    if (model != "m-nousage" && options != nullptr && options->find("include_usage") &&
        options->at("include_usage").as_bool()) {
      json::Value last = json::object({{"id", "chatcmpl-fake"},
                                       {"object", "chat.completion.chunk"},
                                       {"created", 1},
                                       {"model", model},
                                       {"choices", json::Array{}},
                                       {"usage", usage()}});
      out << event(last);
    }
    out << "data: [DONE]\n\n" << std::flush;
  }

  // Silent until the client closes its connection (or 20 s pass).
  void waitForClose(HTTPServerRequest& request) {
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until && !fake_.stopping()) {
      if (socket.poll(Poco::Timespan(0, 20000), Poco::Net::Socket::SELECT_READ)) {
        char byte = 0;
        int n = 0;
        try {
          n = socket.receiveBytes(&byte, 1, MSG_PEEK);
        } catch (const Poco::Exception&) {
          n = 0;
        }
        if (n <= 0) {
          ++fake_.disconnects_;
          return;
        }
      }
    }
  }

  FakeProvider& fake_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeProvider& fake) : fake_(fake) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(fake_);
  }

 private:
  FakeProvider& fake_;
};

}  // namespace

FakeProvider::FakeProvider()
    : seen_(std::make_unique<Seen>()),
      server_(std::make_unique<LoopbackServer>(new Factory(*this))) {}

FakeProvider::~FakeProvider() {
  stopping_ = true;
  release();
  server_.reset();
}

std::string FakeProvider::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1";
}

int FakeProvider::calls(const std::string& model) const {
  std::lock_guard<std::mutex> lock(seen_->mutex);
  auto it = seen_->bodies.find(model);
  return it == seen_->bodies.end() ? 0 : static_cast<int>(it->second.size());
}

std::vector<portico::json::Value> FakeProvider::bodies(const std::string& model) const {
  std::lock_guard<std::mutex> lock(seen_->mutex);
  auto it = seen_->bodies.find(model);
  return it == seen_->bodies.end() ? std::vector<portico::json::Value>{} : it->second;
}

std::vector<std::string> FakeProvider::authorizations() const {
  std::lock_guard<std::mutex> lock(seen_->mutex);
  return seen_->authorizations;
}

std::vector<std::string> FakeProvider::cancelled() const {
  std::lock_guard<std::mutex> lock(seen_->mutex);
  return seen_->cancelled;
}

void FakeProvider::release() {
  std::lock_guard<std::mutex> lock(seen_->mutex);
  seen_->open = true;
  seen_->released.notify_all();
}

bool FakeProvider::waitForRelease() const {
  std::unique_lock<std::mutex> lock(seen_->mutex);
  return seen_->released.wait_for(lock, std::chrono::seconds(10), [&] { return seen_->open; }) &&
         !stopping_;
}

}  // namespace e2e
