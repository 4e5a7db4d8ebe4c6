/* SPDX-License-Identifier: Apache-2.0 */
// Prometheus metrics of the host, exposed in the text format at /metrics. prometheus-cpp (Debian's
// prometheus-cpp-dev, core only) keeps the series and writes the format; this class names the
// host's series in one place and adds the ones read at scrape time (pools, generations, ...).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace portico::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Values read at scrape time (e.g. in-flight requests per generation).
  using Source = std::function<std::vector<std::pair<Labels, double>>()>;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void observeRequest(const std::string& method, const std::string& route, int status,
                      const std::string& plugin, double seconds);
  void connectionOpened() { activeConnections_.Increment(); }
  void connectionClosed() { activeConnections_.Decrement(); }
  void countReload(const std::string& plugin, bool ok);
  // A route handler that failed with PORTICO_ERR_INTERNAL (answered 500): in an SDK plugin an
  // exception the SDK caught, in a raw one an exception that escaped its C function or the
  // plugin's own word that something broke inside it.
  void countHandlerException(const std::string& plugin);
  // status: enqueued, done, failed (will retry), dead.
  void countJob(const std::string& queue, const std::string& status);
  void observeJob(const std::string& queue, const std::string& status, double seconds);
  // One outbound HTTP exchange (or a call refused before it went out): status is the peer's
  // code, or denied, timeout, unavailable, circuit_open, error.
  void observeOutbound(const std::string& plugin, const std::string& host,
                       const std::string& status, double seconds);
  // A plugin's own event (metric_count): false, and nothing counted, once the plugin has
  // kPluginEventsMax distinct events and this is a new one.
  bool countPluginEvent(const std::string& plugin, const std::string& event, uint64_t delta);
  static constexpr size_t kPluginEventsMax = 64;
  // Connections the outbound client had to open (reuse keeps this near zero).
  void countOutboundConnections(long opened);
  void registerGauge(std::string name, std::string help, Source source);
  // A counter read at scrape time; the source must never go down.
  void registerCounter(std::string name, std::string help, Source source);

  std::string render() const;

  // Totals so far of one series of http_request_duration_seconds.
  struct RouteTotals {
    std::string method, route, plugin;
    int status = 0;
    uint64_t count = 0;
    double sumSeconds = 0;
    std::vector<uint64_t> cumulative;  // per bucket of buckets(), then +Inf
  };
  std::vector<RouteTotals> requestTotals() const;

  // Upper bounds of the duration buckets, in seconds.
  static const prometheus::Histogram::BucketBoundaries& buckets();

 private:
  class ScrapedSources;

  // The series of a family by label values, found without the family's lock once it exists:
  // Family::Add takes one lock per call, which every request would contend for.
  template <typename T>
  class Series {
   public:
    explicit Series(prometheus::Family<T>& family) : family_(family) {}
    template <typename... Args>
    T& get(const prometheus::Labels& labels, std::string key, Args&&... args);

   private:
    prometheus::Family<T>& family_;
    std::shared_mutex mutex_;
    std::unordered_map<std::string, T*> byKey_;
  };

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<ScrapedSources> scraped_;
  prometheus::Family<prometheus::Histogram>& requests_;
  prometheus::Family<prometheus::Histogram>& jobDurations_;
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Counter>& escapes_;
  prometheus::Family<prometheus::Counter>& jobs_;
  prometheus::Family<prometheus::Counter>& outbound_;
  prometheus::Family<prometheus::Histogram>& outboundDurations_;
  prometheus::Family<prometheus::Counter>& pluginEvents_;
  std::mutex pluginEventsMutex_;
  std::unordered_map<std::string, prometheus::Counter*> pluginEventSeries_;  // "plugin\nevent"
  std::unordered_map<std::string, size_t> pluginEventCounts_;
  prometheus::Counter& outboundConnections_;
  prometheus::Gauge& activeConnections_;
  Series<prometheus::Histogram> requestSeries_{requests_};
};

}  // namespace portico::metrics
