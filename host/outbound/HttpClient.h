/* SPDX-License-Identifier: Apache-2.0 */
// The one HTTP client every plugin's outbound calls go through (libcurl). Connections, DNS
// answers and TLS sessions are shared by all calls (a curl share handle), so a plugin calling the
// same API again reuses a connection, over HTTP/2 where the peer offers it. Each call is checked
// against its plugin's allow-list, on every redirect too, and at connect time against link-local
// and metadata addresses whatever name led there. Retries, backoff, Retry-After and a circuit
// breaker per destination are applied here, so that no plugin carries its own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "outbound/AllowList.h"
#include "outbound/CircuitBreakers.h"
#include "outbound/OutboundOptions.h"
#include "portico/plugin.h"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}

namespace portico::outbound {

using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

// One outbound call as the ABI handed it over.
struct Call {
  std::string plugin;
  std::string method = "GET";
  std::string url;
  Headers headers;
  std::string_view body;
  // A streamed body: fills (buf, cap) and sets the length, 0 at the end. Such a call is never
  // retried.
  std::function<portico_status(char*, size_t, size_t*)> readBody;
  int64_t bodyLength = -1;   // of the streamed body; -1 unknown (chunked)
  int connectTimeoutMs = 0;  // 0: the host's defaults
  int timeoutMs = 0;
  int maxAttempts = 1;
  // Set: the body goes here chunk by chunk instead of into the answer.
  std::function<portico_status(std::string_view)> onBody;
  Clock::time_point deadline = Clock::time_point::max();  // the calling request's or job's
  // A retired generation's cut-off (steady-clock nanoseconds since epoch; 0 none): its calls end
  // by then, so that nothing of it runs after its drain deadline.
  const std::atomic<int64_t>* cutoff = nullptr;
  std::string traceparent;  // sent unless the plugin set one
  // Set: asked while the call is under way; true ends it (PORTICO_ERR_CANCELED).
  std::function<bool()> cancelled;
};

struct Answer {
  int status = 0;
  Headers headers;
  std::string body;
};

struct Outcome {
  portico_status status = PORTICO_OK;
  std::string message;
  Answer answer;
};

class HttpClient {
 public:
  HttpClient(Options options, const config::Config& config, metrics::Metrics* metrics);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Outcome fetch(const Call& call);

 private:
  struct Transfer;
  struct Share;
  // One exchange's outcome, with what the redirect and retry decisions need.
  struct Exchange {
    Outcome outcome;
    std::string location;     // where a 3xx points, absolute
    int64_t retryAfterS = 0;  // the peer's Retry-After, in seconds
  };

  // The plugin's allow-list, parsed once; a malformed one allows nothing (and says why).
  std::shared_ptr<const AllowList> allowListOf(const std::string& plugin, std::string* problem);
  // One request/response exchange, no retries or redirects. `retrying`: a retryable status
  // will be retried, so its body is not streamed to the plugin.
  Exchange attempt(const Call& call, const std::string& method, const std::string& url,
                   const Headers& headers, bool sendBody, bool retrying, Clock::time_point until,
                   Transfer& t);
  void record(const Call& call, const Destination& d, const std::string& status, double seconds);

  const Options options_;
  const config::Config& config_;
  metrics::Metrics* metrics_;
  std::unique_ptr<Share> share_;
  CircuitBreakers breakers_;
  std::mutex allowMutex_;
  std::unordered_map<std::string, std::pair<std::shared_ptr<const AllowList>, std::string>>
      allowLists_;
};

// The destination a URL names (scheme, lower-cased host, port) and its path; false when it is not
// an absolute http(s) URL. libcurl's URL parser reads it.
bool parseDestination(const std::string& url, Destination* out, std::string* path);

}  // namespace portico::outbound
