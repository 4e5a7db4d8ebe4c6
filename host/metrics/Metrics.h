// Prometheus metrics of the host, rendered in the text exposition format at /metrics.
// Hand-written because prometheus-cpp is not packaged in Debian 12; the format is small.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace portico::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

// {a="x",b="y"} with values escaped as the format requires; "" for no labels.
std::string formatLabels(const Labels& labels);

class Metrics {
 public:
  // A gauge whose values are read at scrape time (e.g. in-flight requests per generation).
  using GaugeSource = std::function<std::vector<std::pair<Labels, double>>()>;

  void observeRequest(const std::string& method, const std::string& route, int status,
                      const std::string& plugin, double seconds);
  void connectionOpened() { activeConnections_.fetch_add(1, std::memory_order_relaxed); }
  void connectionClosed() { activeConnections_.fetch_sub(1, std::memory_order_relaxed); }
  void countReload(const std::string& plugin, bool ok);
  void registerGauge(std::string name, std::string help, GaugeSource source);
  // A counter whose values are read at scrape time; the source must never go down.
  void registerCounter(std::string name, std::string help, GaugeSource source);

  std::string render() const;

  // Upper bounds of the request duration buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  struct Series {
    std::string labels;  // formatted, without braces' contents for "le"
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sumNanos{0};
  };
  struct Gauge {
    std::string name;
    std::string help;
    const char* type;  // "gauge" or "counter"
    GaugeSource source;
  };

  mutable std::shared_mutex requestsMutex_;
  std::unordered_map<std::string, std::unique_ptr<Series>> requests_;
  std::atomic<int64_t> activeConnections_{0};
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> reloads_;  // formatted labels -> count
  std::vector<Gauge> gauges_;
};

}  // namespace portico::metrics
