// SPDX-License-Identifier: Apache-2.0
#include "metrics/Metrics.h"

#include <prometheus/collectable.h>
#include <prometheus/text_serializer.h>

#include <cstdlib>
#include <mutex>

namespace portico::metrics {

// The series whose values come from a Source at scrape time, as prometheus-cpp families.
class Metrics::ScrapedSources : public prometheus::Collectable {
 public:
  void add(std::string name, std::string help, prometheus::MetricType type, Source source) {
    std::lock_guard<std::mutex> lock(mutex_);
    sources_.push_back({std::move(name), std::move(help), type, std::move(source)});
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<prometheus::MetricFamily> out;
    out.reserve(sources_.size());
    for (const auto& s : sources_) {
      prometheus::MetricFamily family{s.name, s.help, s.type, {}};
      for (auto& [labels, value] : s.source()) {
        prometheus::ClientMetric metric;
        for (auto& [name, text] : labels) metric.label.push_back({name, text});
        if (s.type == prometheus::MetricType::Counter) {
          metric.counter.value = value;
        } else {
          metric.gauge.value = value;
        }
        family.metric.push_back(std::move(metric));
      }
      out.push_back(std::move(family));
    }
    return out;
  }

 private:
  struct Scraped {
    std::string name;
    std::string help;
    prometheus::MetricType type;
    Source source;
  };
  mutable std::mutex mutex_;
  std::vector<Scraped> sources_;
};

const prometheus::Histogram::BucketBoundaries& Metrics::buckets() {
  static const prometheus::Histogram::BucketBoundaries bounds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};
  return bounds;
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      scraped_(std::make_shared<ScrapedSources>()),
      requests_(prometheus::BuildHistogram()
                    .Name("http_request_duration_seconds")
                    .Help("Time from request line to response sent, by method, route template, "
                          "status and plugin.")
                    .Register(*registry_)),
      jobDurations_(prometheus::BuildHistogram()
                        .Name("background_job_duration_seconds")
                        .Help("Time a job handler ran, by queue and outcome.")
                        .Register(*registry_)),
      reloads_(prometheus::BuildCounter()
                   .Name("portico_plugin_reloads_total")
                   .Help("Plugin loads and reloads by plugin and result.")
                   .Register(*registry_)),
      escapes_(
          prometheus::BuildCounter()
              .Name("portico_plugin_exceptions_total")
              .Help("Route handlers that failed internally (an exception, caught by the SDK or "
                    "escaping a raw C handler), answered 500, by plugin.")
              .Register(*registry_)),
      jobs_(prometheus::BuildCounter()
                .Name("background_jobs_total")
                .Help("Jobs by queue and status (enqueued, done, failed, dead).")
                .Register(*registry_)),
      outbound_(prometheus::BuildCounter()
                    .Name("portico_outbound_requests_total")
                    .Help("Outbound HTTP requests of plugins by plugin, destination and status "
                          "(the peer's code, or denied, timeout, unavailable, circuit_open, "
                          "error).")
                    .Register(*registry_)),
      outboundDurations_(prometheus::BuildHistogram()
                             .Name("portico_outbound_request_duration_seconds")
                             .Help("Time of one outbound HTTP exchange, by plugin and "
                                   "destination.")
                             .Register(*registry_)),
      pluginEvents_(prometheus::BuildCounter()
                        .Name("portico_plugin_events_total")
                        .Help("Events a plugin counts itself (metric_count), by plugin and event.")
                        .Register(*registry_)),
      outboundConnections_(prometheus::BuildCounter()
                               .Name("portico_outbound_connections_opened_total")
                               .Help("Connections the outbound HTTP client opened.")
                               .Register(*registry_)
                               .Add({})),
      activeConnections_(prometheus::BuildGauge()
                             .Name("http_active_connections")
                             .Help("Open client connections on the public listener.")
                             .Register(*registry_)
                             .Add({})) {}

Metrics::~Metrics() = default;

template <typename T>
template <typename... Args>
T& Metrics::Series<T>::get(const prometheus::Labels& labels, std::string key, Args&&... args) {
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = byKey_.find(key);
    if (it != byKey_.end()) return *it->second;
  }
  T& series = family_.Add(labels, std::forward<Args>(args)...);
  std::unique_lock<std::shared_mutex> lock(mutex_);
  byKey_.emplace(std::move(key), &series);
  return series;
}

void Metrics::observeRequest(const std::string& method, const std::string& route, int status,
                             const std::string& plugin, double seconds) {
  std::string code = std::to_string(status);
  // Label values are separated by a byte no HTTP method, route template or plugin name holds.
  std::string key = method + '\n' + route + '\n' + code + '\n' + plugin;
  requestSeries_
      .get({{"method", method}, {"route", route}, {"status_code", code}, {"plugin", plugin}},
           std::move(key), buckets())
      .Observe(seconds);
}

std::vector<Metrics::RouteTotals> Metrics::requestTotals() const {
  std::vector<RouteTotals> out;
  for (const auto& family : requests_.Collect()) {
    for (const auto& m : family.metric) {
      RouteTotals t;
      for (const auto& label : m.label) {
        if (label.name == "method") t.method = label.value;
        if (label.name == "route") t.route = label.value;
        if (label.name == "plugin") t.plugin = label.value;
        if (label.name == "status_code") t.status = std::atoi(label.value.c_str());
      }
      t.count = m.histogram.sample_count;
      t.sumSeconds = m.histogram.sample_sum;
      for (const auto& b : m.histogram.bucket) t.cumulative.push_back(b.cumulative_count);
      out.push_back(std::move(t));
    }
  }
  return out;
}

void Metrics::observeOutbound(const std::string& plugin, const std::string& host,
                              const std::string& status, double seconds) {
  outbound_.Add({{"plugin", plugin}, {"host", host}, {"status", status}}).Increment();
  outboundDurations_.Add({{"plugin", plugin}, {"host", host}}, buckets()).Observe(seconds);
}

bool Metrics::countPluginEvent(const std::string& plugin, const std::string& event,
                               uint64_t delta) {
  std::lock_guard<std::mutex> lock(pluginEventsMutex_);
  std::string key = plugin + "\n" + event;
  auto it = pluginEventSeries_.find(key);
  if (it == pluginEventSeries_.end()) {
    size_t& count = pluginEventCounts_[plugin];
    if (count >= kPluginEventsMax) return false;
    ++count;
    it = pluginEventSeries_
             .emplace(std::move(key), &pluginEvents_.Add({{"plugin", plugin}, {"event", event}}))
             .first;
  }
  it->second->Increment(static_cast<double>(delta));
  return true;
}

void Metrics::countOutboundConnections(long opened) {
  if (opened > 0) outboundConnections_.Increment(static_cast<double>(opened));
}

void Metrics::countReload(const std::string& plugin, bool ok) {
  reloads_.Add({{"plugin", plugin}, {"result", ok ? "success" : "failure"}}).Increment();
}

void Metrics::countHandlerException(const std::string& plugin) {
  escapes_.Add({{"plugin", plugin}}).Increment();
}

void Metrics::countJob(const std::string& queue, const std::string& status) {
  jobs_.Add({{"queue", queue}, {"status", status}}).Increment();
}

void Metrics::observeJob(const std::string& queue, const std::string& status, double seconds) {
  jobDurations_.Add({{"queue", queue}, {"status", status}}, buckets()).Observe(seconds);
}

void Metrics::registerGauge(std::string name, std::string help, Source source) {
  scraped_->add(std::move(name), std::move(help), prometheus::MetricType::Gauge, std::move(source));
}

void Metrics::registerCounter(std::string name, std::string help, Source source) {
  scraped_->add(std::move(name), std::move(help), prometheus::MetricType::Counter,
                std::move(source));
}

std::string Metrics::render() const {
  auto families = registry_->Collect();
  auto scraped = scraped_->Collect();
  families.insert(families.end(), std::make_move_iterator(scraped.begin()),
                  std::make_move_iterator(scraped.end()));
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace portico::metrics
