// SPDX-License-Identifier: Apache-2.0
#include "metrics/RouteStats.h"

#include <unistd.h>

#include <random>

#include "log/Logging.h"
#include "portico/json.hpp"

namespace portico::metrics {

namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Tells this process apart from every other host, and from itself after a restart.
std::string instanceId() {
  char name[256] = {0};
  ::gethostname(name, sizeof name - 1);
  std::random_device random;
  return std::string(name) + ":" + std::to_string(::getpid()) + ":" + std::to_string(random());
}

struct RouteDelta {
  uint64_t requests = 0;
  uint64_t errors = 0;
  double sumSeconds = 0;
  std::vector<uint64_t> counts;
};

}  // namespace

RouteStats::RouteStats(const Metrics& metrics, std::chrono::milliseconds interval, Publish publish)
    : metrics_(metrics),
      interval_(interval),
      publish_(std::move(publish)),
      instance_(instanceId()) {}

RouteStats::~RouteStats() {
  stop();
}

void RouteStats::start() {
  collect(0, 0);  // what came before start is not this interval's
  thread_ = std::thread([this] { run(); });
}

void RouteStats::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RouteStats::run() {
  int64_t from = nowMs();
  std::unique_lock<std::mutex> lock(mutex_);
  for (bool last = false; !last;) {
    last = wake_.wait_for(lock, interval_, [this] { return stopping_; });
    int64_t to = nowMs();
    std::string payload = collect(from, to);
    from = to;
    if (payload.empty()) continue;
    try {
      publish_(payload);
    } catch (const std::exception& e) {
      log::get("metrics")->warn("route stats of {} requests' interval not published: {}", to,
                                e.what());
    }
  }
}

std::string RouteStats::collect(int64_t fromMs, int64_t toMs) {
  std::map<std::string, RouteDelta> routes;  // by method, route, plugin
  for (auto& t : metrics_.requestTotals()) {
    std::string series =
        t.method + '\n' + t.route + '\n' + std::to_string(t.status) + '\n' + t.plugin;
    Metrics::RouteTotals before = previous_[series];
    before.cumulative.resize(t.cumulative.size(), 0);
    if (t.count > before.count) {
      RouteDelta& d = routes[t.method + '\n' + t.route + '\n' + t.plugin];
      d.counts.resize(t.cumulative.size(), 0);
      uint64_t below = 0;
      for (size_t i = 0; i < t.cumulative.size(); ++i) {
        uint64_t upTo = t.cumulative[i] - before.cumulative[i];
        d.counts[i] += upTo - below;
        below = upTo;
      }
      d.requests += t.count - before.count;
      if (t.status >= 500) d.errors += t.count - before.count;
      d.sumSeconds += t.sumSeconds - before.sumSeconds;
    }
    previous_[series] = std::move(t);
  }
  if (routes.empty()) return "";
  json::Array bounds;
  for (double b : Metrics::buckets()) bounds.emplace_back(b * 1000);
  json::Array list;
  for (const auto& [key, d] : routes) {
    size_t a = key.find('\n');
    size_t b = key.find('\n', a + 1);
    json::Array counts(d.counts.begin(), d.counts.end());
    list.push_back(json::object({{"method", key.substr(0, a)},
                                 {"route", key.substr(a + 1, b - a - 1)},
                                 {"plugin", key.substr(b + 1)},
                                 {"requests", d.requests},
                                 {"errors", d.errors},
                                 {"sum_ms", d.sumSeconds * 1000},
                                 {"counts", json::Value(std::move(counts))}}));
  }
  return json::object({{"host", instance_},
                       {"from", fromMs},
                       {"to", toMs},
                       {"bounds_ms", json::Value(std::move(bounds))},
                       {"routes", json::Value(std::move(list))}})
      .dump();
}

}  // namespace portico::metrics
