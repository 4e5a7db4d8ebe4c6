// SPDX-License-Identifier: Apache-2.0
#include "outbound/HttpClient.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>

#include "common/Blocking.h"
#include "common/HeaderRules.h"
#include "common/IgnoreCase.h"
#include "common/TraceContext.h"
#include "config/Config.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"

namespace portico::outbound {

namespace {

constexpr int kMaxAttempts = 10;

// Link-local addresses (169.254.0.0/16 holds the cloud metadata services, fe80::/10), the
// metadata addresses some clouds put elsewhere, and "this network": never a destination,
// whatever name resolved there.
bool forbiddenAddress(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(addr)->sin_addr.s_addr);
    return (a >> 16) == 0xA9FE ||  // 169.254.0.0/16
           (a >> 24) == 0 ||       // 0.0.0.0/8
           a == 0x646464C8;        // 100.100.100.200
  }
  if (addr->sa_family == AF_INET6) {
    const auto* b = reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr.s6_addr;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return true;  // fe80::/10
    static const unsigned char awsMetadata[16] = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                                  0,    0,    0,    0,    0, 0, 0x02, 0x54};
    if (std::memcmp(b, awsMetadata, 16) == 0) return true;
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, mapped, 12) == 0) {  // ::ffff:a.b.c.d is a.b.c.d
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, b + 12, 4);
      return forbiddenAddress(reinterpret_cast<const sockaddr*>(&v4));
    }
  }
  return false;
}

bool idempotent(const std::string& method) {
  for (const char* m : {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}) {
    if (method == m) return true;
  }
  return false;
}

bool retryableStatus(int status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

bool hasHeader(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return common::equalsIgnoreCase(h.first, name); });
}

int64_t steadyNanos(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

bool parseDestination(const std::string& url, Destination* out, std::string* path) {
  CURLU* u = curl_url();
  if (u == nullptr) return false;
  bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK;
  auto part = [&](CURLUPart which, unsigned flags) {
    char* text = nullptr;
    std::string value;
    if (ok && curl_url_get(u, which, &text, flags) == CURLUE_OK && text != nullptr) value = text;
    curl_free(text);
    return value;
  };
  out->scheme = part(CURLUPART_SCHEME, 0);
  out->host = part(CURLUPART_HOST, 0);
  std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (path != nullptr) *path = part(CURLUPART_PATH, 0);
  curl_url_cleanup(u);
  if (!ok || (out->scheme != "http" && out->scheme != "https") || out->host.empty()) return false;
  if (out->host.front() == '[') out->host = out->host.substr(1, out->host.size() - 2);
  out->host = common::toLowerAscii(out->host);
  out->port = port.empty() ? 0 : std::stoi(port);
  return out->port > 0;
}

// libcurl's share handle: one connection cache, DNS cache and TLS session cache for every call;
// and the easy handles calls borrow, kept because each carries state that is costly to make
// again (curl_easy_perform's internal multi handle and its wake-up socket pair).
struct HttpClient::Share {
  CURLSH* handle = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex idleMutex;
  std::vector<CURL*> idle;

  CURL* take() {
    {
      std::lock_guard<std::mutex> lock(idleMutex);
      if (!idle.empty()) {
        CURL* easy = idle.back();
        idle.pop_back();
        return easy;
      }
    }
    return curl_easy_init();
  }
  void give(CURL* easy) {
    curl_easy_reset(easy);  // options only: its connections stay in the shared cache
    std::lock_guard<std::mutex> lock(idleMutex);
    idle.push_back(easy);
  }

  Share() {
    handle = curl_share_init();
    if (handle == nullptr) throw std::runtime_error("curl_share_init failed");
    curl_share_setopt(handle, CURLSHOPT_LOCKFUNC, &Share::lock);
    curl_share_setopt(handle, CURLSHOPT_UNLOCKFUNC, &Share::unlock);
    curl_share_setopt(handle, CURLSHOPT_USERDATA, this);
    curl_share_setopt(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  ~Share() {
    for (CURL* easy : idle) curl_easy_cleanup(easy);
    curl_share_cleanup(handle);
  }
  Share(const Share&) = delete;
  Share& operator=(const Share&) = delete;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Share*>(self)->locks.at(static_cast<size_t>(data)).lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Share*>(self)->locks.at(static_cast<size_t>(data)).unlock();
  }
};

// What libcurl's callbacks of one exchange work with.
struct HttpClient::Transfer {
  const Call* call = nullptr;
  CURL* easy = nullptr;
  uint64_t maxBytes = 0;
  bool retrying = false;  // a retryable status will be retried: its body is not the plugin's
  bool streamed = false;  // a chunk reached the plugin: the call can no longer be retried
  std::string body;
  portico_status callbackStatus = PORTICO_OK;  // what the plugin's reader or writer returned
  bool tooLarge = false;
  bool cutOff = false;     // the generation's drain deadline passed
  bool cancelled = false;  // the plugin cancelled the call
  bool deniedAddress = false;

  static size_t write(char* data, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    std::string_view chunk(data, size * count);
    if (t->call->onBody) {
      if (t->willBeDiscarded()) return chunk.size();
      t->streamed = true;
      t->callbackStatus = t->call->onBody(chunk);
      return t->callbackStatus == PORTICO_OK ? chunk.size() : 0;
    }
    if (t->body.size() + chunk.size() > t->maxBytes) {
      t->tooLarge = true;
      return 0;
    }
    t->body.append(chunk);
    return chunk.size();
  }

  static size_t read(char* buffer, size_t size, size_t count, void* self) {
    auto* t = static_cast<Transfer*>(self);
    size_t len = 0;
    t->callbackStatus = t->call->readBody(buffer, size * count, &len);
    if (t->callbackStatus != PORTICO_OK) return CURL_READFUNC_ABORT;
    return std::min(len, size * count);
  }

  static int progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(self);
    if (t->call->cancelled && t->call->cancelled()) {
      t->cancelled = true;
      return 1;
    }
    if (t->call->cutoff != nullptr) {
      int64_t at = t->call->cutoff->load(std::memory_order_relaxed);
      if (at != 0 && steadyNanos(Clock::now()) >= at) {
        t->cutOff = true;
        return 1;
      }
    }
    return 0;
  }

  static curl_socket_t openSocket(void* self, curlsocktype purpose, curl_sockaddr* address) {
    auto* t = static_cast<Transfer*>(self);
    if (purpose == CURLSOCKTYPE_IPCXN && forbiddenAddress(&address->addr)) {
      t->deniedAddress = true;
      return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype, address->protocol);
  }

  // The status line is in by the time the body arrives: a redirect to follow or a retryable
  // status is not the plugin's to see.
  bool willBeDiscarded() const {
    long code = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
    return (code >= 300 && code < 400) || (retrying && retryableStatus(static_cast<int>(code)));
  }
};

HttpClient::HttpClient(Options options, const config::Config& config, metrics::Metrics* metrics)
    : options_(std::move(options)),
      config_(config),
      metrics_(metrics),
      breakers_(options_.breakerFailures, options_.breakerOpenMs) {
  // Once per process, before any other thread uses libcurl: porticod makes one client at start.
  curl_global_init(CURL_GLOBAL_DEFAULT);
  share_ = std::make_unique<Share>();
}

HttpClient::~HttpClient() {
  share_.reset();
  curl_global_cleanup();
}

std::shared_ptr<const AllowList> HttpClient::allowListOf(const std::string& plugin,
                                                         std::string* problem) {
  std::lock_guard<std::mutex> lock(allowMutex_);
  auto it = allowLists_.find(plugin);
  if (it == allowLists_.end()) {
    std::shared_ptr<const AllowList> list;
    std::string why;
    try {
      list = std::make_shared<const AllowList>(
          AllowList::parse(config_.find("plugin." + plugin + ".outbound.allow").value_or("")));
    } catch (const std::invalid_argument& e) {
      list = std::make_shared<const AllowList>();
      why = std::string("plugin.") + plugin + "." + e.what();
    }
    it = allowLists_.emplace(plugin, std::make_pair(std::move(list), std::move(why))).first;
  }
  *problem = it->second.second;
  return it->second.first;
}

void HttpClient::record(const Call& call, const Destination& d, const std::string& status,
                        double seconds) {
  if (metrics_ != nullptr) {
    metrics_->observeOutbound(call.plugin, d.host + ":" + std::to_string(d.port), status, seconds);
  }
}

HttpClient::Exchange HttpClient::attempt(const Call& call, const std::string& method,
                                         const std::string& url, const Headers& headers,
                                         bool sendBody, bool retrying, Clock::time_point until,
                                         Transfer& t) {
  Exchange ex;
  Outcome& out = ex.outcome;
  CURL* easy = share_->take();
  if (easy == nullptr) {
    out = {PORTICO_ERR_INTERNAL, "curl_easy_init failed", {}};
    return ex;
  }
  t = Transfer{};
  t.call = &call;
  t.easy = easy;
  t.maxBytes = options_.maxResponseBytes;
  t.retrying = retrying;

  curl_slist* list = nullptr;
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  // libcurl would otherwise add "Expect: 100-continue" to larger bodies and wait for it.
  list = curl_slist_append(list, "Expect:");

  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_SHARE, share_->handle);
  // Idle connections kept in the shared cache; libcurl's default (4 per handle) would close
  // most of them under concurrent calls and reconnect every time.
  curl_easy_setopt(easy, CURLOPT_MAXCONNECTS, 1024L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.caFile.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.caFile.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(call.connectTimeoutMs > 0 ? call.connectTimeoutMs
                                                               : options_.connectTimeoutMs));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<int64_t>(1, remaining.count())));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &Transfer::progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Transfer::openSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &t);
  bool bodiless = method == "GET" || method == "HEAD";
  if (method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (!bodiless && sendBody && call.readBody) {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Transfer::read);
    curl_easy_setopt(easy, CURLOPT_READDATA, &t);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.bodyLength));
  } else if (!bodiless) {
    // Content-Length even when empty: a peer must not wait for a body that never comes.
    std::string_view body = sendBody ? call.body : std::string_view();
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }

  CURLcode code;
  {
    common::BlockingRegion waiting;
    code = curl_easy_perform(easy);
  }
  long connects = 0;
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  if (metrics_ != nullptr) metrics_->countOutboundConnections(connects);

  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    out.answer.status = static_cast<int>(status);
    curl_header* h = nullptr;
    while ((h = curl_easy_nextheader(easy, CURLH_HEADER, -1, h)) != nullptr) {
      out.answer.headers.emplace_back(h->name, h->value);
    }
    out.answer.body = std::move(t.body);
  } else if (t.deniedAddress) {
    out = {PORTICO_ERR_DENIED, "refused to connect to a link-local or metadata address", {}};
  } else if (t.callbackStatus != PORTICO_OK) {
    out = {t.callbackStatus, "the plugin's body callback stopped the transfer", {}};
  } else if (t.tooLarge) {
    out = {PORTICO_ERR_TOO_LARGE,
           "the answer exceeds outbound.max_response_bytes = " +
               std::to_string(options_.maxResponseBytes),
           {}};
  } else if (t.cutOff) {
    out = {PORTICO_ERR_UNAVAILABLE, "cancelled: the calling generation was retired", {}};
  } else if (t.cancelled) {
    out = {PORTICO_ERR_CANCELED, "cancelled by the calling plugin", {}};
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    out = {PORTICO_ERR_TIMEOUT, curl_easy_strerror(code), {}};
  } else {
    out = {PORTICO_ERR_UNAVAILABLE, curl_easy_strerror(code), {}};
  }
  if (code == CURLE_OK) {
    char* location = nullptr;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &location);
    if (location != nullptr) ex.location = location;
    curl_off_t retryAfter = 0;  // libcurl reads both forms, seconds and HTTP-date
    curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retryAfter);
    ex.retryAfterS = static_cast<int64_t>(retryAfter);
  }
  curl_slist_free_all(list);
  share_->give(easy);
  return ex;
}

Outcome HttpClient::fetch(const Call& call) {
  auto log = log::get("outbound");
  Destination dest;
  std::string path;
  if (!parseDestination(call.url, &dest, &path)) {
    return {PORTICO_ERR_INVALID_ARGUMENT,
            "not an absolute http(s) URL: " + call.url.substr(0, call.url.find('?')),
            {}};
  }
  if (!common::isHeaderToken(call.method)) {
    return {PORTICO_ERR_INVALID_ARGUMENT, "not an HTTP method: " + call.method, {}};
  }
  Headers headers;
  for (const auto& [name, value] : call.headers) {
    if (!common::isHeaderToken(name) || common::isFramingHeader(name) ||
        !common::isSafeHeaderValue(value)) {
      return {PORTICO_ERR_INVALID_ARGUMENT, "header '" + name + "' may not be sent", {}};
    }
    headers.emplace_back(name, value);
  }
  if (!call.traceparent.empty() && !hasHeader(headers, "traceparent")) {
    headers.emplace_back("traceparent", common::childOf(call.traceparent));
  }

  std::string problem;
  auto allow = allowListOf(call.plugin, &problem);
  auto allowed = [&](const Destination& d) { return allow->allows(d); };
  if (!allowed(dest)) {
    record(call, dest, "denied", 0);
    std::string why = problem.empty()
                          ? dest.key() + " is not in plugin." + call.plugin + ".outbound.allow"
                          : problem;
    log->warn("{} {}{}: denied, {}", call.method, dest.key(), path, why);
    return {PORTICO_ERR_DENIED, why, {}};
  }

  auto start = Clock::now();
  int timeoutMs = call.timeoutMs > 0 ? call.timeoutMs : options_.timeoutMs;
  Clock::time_point until = std::min(call.deadline, start + std::chrono::milliseconds(timeoutMs));
  if (call.cutoff != nullptr) {
    int64_t at = call.cutoff->load(std::memory_order_relaxed);
    if (at != 0) until = std::min(until, Clock::time_point(std::chrono::nanoseconds(at)));
  }
  bool mayRetry = call.maxAttempts > 1 && !call.readBody &&
                  (idempotent(call.method) || hasHeader(headers, "Idempotency-Key"));
  int attempts = std::clamp(call.maxAttempts, 1, kMaxAttempts);

  std::string method = call.method;
  std::string url = call.url;
  bool sendBody = true;
  int redirects = 0;
  Outcome out;
  Transfer t;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 1;; ++attempt) {
    std::chrono::milliseconds openFor{0};
    if (!breakers_.admit(dest.key(), &openFor)) {
      record(call, dest, "circuit_open", 0);
      return {PORTICO_ERR_UNAVAILABLE,
              "circuit open for " + dest.key() + " after repeated failures; next try in " +
                  std::to_string(openFor.count()) + " ms",
              {}};
    }
    if (call.cancelled && call.cancelled()) {
      record(call, dest, "canceled", 0);
      return {PORTICO_ERR_CANCELED, "cancelled by the calling plugin", {}};
    }
    if (Clock::now() >= until) {
      record(call, dest, "timeout", 0);
      return {PORTICO_ERR_TIMEOUT, "the call's deadline passed", {}};
    }
    bool moreAttempts = mayRetry && attempt < attempts;
    auto began = Clock::now();
    Exchange ex = this->attempt(call, method, url, headers, sendBody, moreAttempts, until, t);
    out = std::move(ex.outcome);
    double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    int status = out.answer.status;
    bool failure =
        out.status == PORTICO_ERR_UNAVAILABLE || out.status == PORTICO_ERR_TIMEOUT || status >= 500;
    record(call, dest,
           out.status == PORTICO_OK                ? std::to_string(status)
           : out.status == PORTICO_ERR_TIMEOUT     ? "timeout"
           : out.status == PORTICO_ERR_DENIED      ? "denied"
           : out.status == PORTICO_ERR_UNAVAILABLE ? "unavailable"
           : out.status == PORTICO_ERR_CANCELED    ? "canceled"
                                                   : "error",
           seconds);
    if (failure && !t.cutOff) {
      breakers_.failed(dest.key());
    } else if (out.status == PORTICO_OK) {
      breakers_.succeeded(dest.key());
    }
    log->debug("{} {}{} -> {} in {:.1f} ms (attempt {})", method, dest.key(), path,
               out.status == PORTICO_OK ? std::to_string(status) : out.message, seconds * 1000,
               attempt);

    if (out.status == PORTICO_OK && status >= 300 && status < 400 && !ex.location.empty()) {
      Destination next;
      std::string nextPath;
      if (!parseDestination(ex.location, &next, &nextPath) || !allowed(next)) {
        record(call, next, "denied", 0);
        log->warn("{} {}{}: redirect to {} denied", method, dest.key(), path, next.key());
        return {PORTICO_ERR_DENIED,
                "redirect to " + (next.host.empty() ? ex.location : next.key()) +
                    " is not in plugin." + call.plugin + ".outbound.allow",
                {}};
      }
      if (++redirects > options_.maxRedirects) {
        return {PORTICO_ERR_UNAVAILABLE,
                "more than outbound.max_redirects = " + std::to_string(options_.maxRedirects) +
                    " redirects",
                {}};
      }
      if (status == 303 || ((status == 301 || status == 302) && method == "POST")) {
        method = "GET";
        sendBody = false;
      }
      if (next.host != dest.host) {
        headers.erase(std::remove_if(headers.begin(), headers.end(),
                                     [](const auto& h) {
                                       return common::equalsIgnoreCase(h.first, "Authorization");
                                     }),
                      headers.end());
      }
      url = ex.location;
      dest = next;
      path = nextPath;
      --attempt;  // a redirect is not a failed attempt
      continue;
    }

    bool retryable = out.status == PORTICO_ERR_UNAVAILABLE ? !t.cutOff && !t.deniedAddress
                     : out.status == PORTICO_OK            ? retryableStatus(status)
                                                           : false;
    if (!retryable || !moreAttempts || t.streamed) break;
    int64_t ceiling =
        std::min<int64_t>(options_.retryMaxMs, static_cast<int64_t>(options_.retryBaseMs)
                                                   << std::min(attempt - 1, 20));
    auto wait = std::chrono::milliseconds(
        std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(ceiling, 0))(rng));
    if (ex.retryAfterS > 0) {
      wait = std::chrono::milliseconds(
          std::min<int64_t>(ex.retryAfterS * 1000, options_.retryAfterMaxMs));
    }
    if (Clock::now() + wait >= until) break;  // no time left to try again: the last answer stands
    std::this_thread::sleep_for(wait);
  }
  if (out.status != PORTICO_OK) {
    log->info("{} {}{} failed: {}", method, dest.key(), path, out.message);
  }
  return out;
}

}  // namespace portico::outbound
