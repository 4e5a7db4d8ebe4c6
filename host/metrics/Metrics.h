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

// A histogram with one series per label set; observe() is lock-free once a series exists.
class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}
  void observe(const Labels& labels, double seconds);
  void render(std::string& out) const;

  // Upper bounds of the buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

 private:
  struct Series {
    std::string labels;  // formatted, without the braces
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sumNanos{0};
  };
  std::string name_;
  std::string help_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;
};

// A counter with one value per label set.
class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}
  void add(const Labels& labels, uint64_t n = 1);
  void render(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  mutable std::mutex mutex_;
  std::map<std::string, uint64_t> values_;  // formatted labels -> count
};

class Metrics {
 public:
  // Values read at scrape time (e.g. in-flight requests per generation).
  using Source = std::function<std::vector<std::pair<Labels, double>>()>;

  void observeRequest(const std::string& method, const std::string& route, int status,
                      const std::string& plugin, double seconds) {
    requests_.observe({{"method", method},
                       {"route", route},
                       {"status_code", std::to_string(status)},
                       {"plugin", plugin}},
                      seconds);
  }
  void connectionOpened() { activeConnections_.fetch_add(1, std::memory_order_relaxed); }
  void connectionClosed() { activeConnections_.fetch_sub(1, std::memory_order_relaxed); }
  void countReload(const std::string& plugin, bool ok) {
    reloads_.add({{"plugin", plugin}, {"result", ok ? "success" : "failure"}});
  }
  // A C++ exception a plugin's handler let out of its C function (answered 500).
  void countEscapedException(const std::string& plugin) { escapes_.add({{"plugin", plugin}}); }
  // status: enqueued, done, failed (will retry), dead.
  void countJob(const std::string& queue, const std::string& status) {
    jobs_.add({{"queue", queue}, {"status", status}});
  }
  void observeJob(const std::string& queue, const std::string& status, double seconds) {
    jobDurations_.observe({{"queue", queue}, {"status", status}}, seconds);
  }
  void registerGauge(std::string name, std::string help, Source source);
  // A counter read at scrape time; the source must never go down.
  void registerCounter(std::string name, std::string help, Source source);

  std::string render() const;

 private:
  struct Scraped {
    std::string name;
    std::string help;
    const char* type;  // "gauge" or "counter"
    Source source;
  };

  HistogramFamily requests_{"http_request_duration_seconds",
                            "Time from request line to response sent, by method, route template, "
                            "status and plugin."};
  HistogramFamily jobDurations_{"background_job_duration_seconds",
                                "Time a job handler ran, by queue and outcome."};
  CounterFamily reloads_{"portico_plugin_reloads_total",
                         "Plugin loads and reloads by plugin and result."};
  CounterFamily escapes_{"portico_plugin_exceptions_total",
                         "C++ exceptions that plugin handlers let out of the C ABI, by plugin."};
  CounterFamily jobs_{"background_jobs_total",
                      "Jobs by queue and status (enqueued, done, failed, dead)."};
  std::atomic<int64_t> activeConnections_{0};
  mutable std::mutex mutex_;
  std::vector<Scraped> scraped_;
};

}  // namespace portico::metrics
