// SPDX-License-Identifier: Apache-2.0
// Opens N keep-alive connections at once and, for D seconds, has each send requests one after
// another. Reports how many connections got at least one answer and the spread of answers per
// connection: a server can post a fine total while starving most of its clients.
// Usage: fairness_client PORT PATH CONNECTIONS SECONDS
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: fairness_client PORT PATH CONNECTIONS SECONDS\n");
    return 2;
  }
  auto port = static_cast<Poco::UInt16>(std::stoi(argv[1]));
  std::string path = argv[2];
  int connections = std::stoi(argv[3]);
  int seconds = std::stoi(argv[4]);
  std::vector<long> answered(static_cast<size_t>(connections), 0);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      try {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(seconds + 5, 0));
        while (!stop) {
          Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
          req.setKeepAlive(true);
          session.sendRequest(req);
          Poco::Net::HTTPResponse res;
          std::string body;
          Poco::StreamCopier::copyToString(session.receiveResponse(res), body);
          if (res.getStatus() == 200) ++answered[static_cast<size_t>(c)];
        }
      } catch (const Poco::Exception&) {
        // counted as whatever it got before failing
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  std::vector<long> sorted = answered;
  std::sort(sorted.begin(), sorted.end());
  long served = std::count_if(sorted.begin(), sorted.end(), [](long n) { return n > 0; });
  long total = 0;
  for (long n : sorted) total += n;
  std::printf("connections=%d answered=%ld total=%ld min=%ld median=%ld max=%ld\n", connections,
              served, total, sorted.front(), sorted[sorted.size() / 2], sorted.back());
  return 0;
}
