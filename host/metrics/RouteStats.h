/* SPDX-License-Identifier: Apache-2.0 */
// Every interval, what each route did on this host since the last one, published on the event
// bus as "portico.route_stats" for whoever keeps time series (the analytics plugin stores it):
//   {"host": "<instance id>", "from": ms, "to": ms, "bounds_ms": [0.5, 1, ..., 5000],
//    "routes": [{"method", "route", "plugin", "requests", "errors", "sum_ms",
//                "counts": [per bucket of bounds_ms, then above the last]}]}
// Aggregated per interval, not sampled: every request is in its route's counts. The figures are
// differences of http_request_duration_seconds, so the hot path pays nothing extra. A message the
// bus drops loses that interval of this host (at-most-once, as every event).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/Metrics.h"

namespace portico::metrics {

class RouteStats {
 public:
  using Publish = std::function<void(const std::string& payload)>;

  RouteStats(const Metrics& metrics, std::chrono::milliseconds interval, Publish publish);
  ~RouteStats();
  RouteStats(const RouteStats&) = delete;
  RouteStats& operator=(const RouteStats&) = delete;

  void start();
  // Publishes the last partial interval, then stops.
  void stop();

  // The payload for what changed since the previous call ("" when nothing did).
  std::string collect(int64_t fromMs, int64_t toMs);

  static constexpr const char* kTopic = "portico.route_stats";

 private:
  void run();

  const Metrics& metrics_;
  std::chrono::milliseconds interval_;
  Publish publish_;
  std::string instance_;
  std::map<std::string, Metrics::RouteTotals> previous_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace portico::metrics
