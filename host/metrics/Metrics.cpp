#include "metrics/Metrics.h"

#include <cstdio>

namespace portico::metrics {
namespace {

std::string escapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

void header(std::string& out, const std::string& name, const char* type, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string formatLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

void Metrics::observeRequest(const std::string& method, const std::string& route, int status,
                             const std::string& plugin, double seconds) {
  std::string key;
  key.reserve(method.size() + route.size() + plugin.size() + 8);
  key.append(method).append(1, '\x1f').append(route).append(1, '\x1f');
  key.append(std::to_string(status)).append(1, '\x1f').append(plugin);
  Series* series = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(requestsMutex_);
    auto it = requests_.find(key);
    if (it != requests_.end()) series = it->second.get();
  }
  if (series == nullptr) {
    std::unique_lock<std::shared_mutex> lock(requestsMutex_);
    auto& slot = requests_[key];
    if (!slot) {
      slot = std::make_unique<Series>();
      std::string labels = formatLabels({{"method", method},
                                         {"route", route},
                                         {"status_code", std::to_string(status)},
                                         {"plugin", plugin}});
      slot->labels = labels.substr(1, labels.size() - 2);
    }
    series = slot.get();
  }
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  series->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  series->count.fetch_add(1, std::memory_order_relaxed);
  series->sumNanos.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Metrics::countReload(const std::string& plugin, bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++reloads_[formatLabels({{"plugin", plugin}, {"result", ok ? "success" : "failure"}})];
}

void Metrics::registerGauge(std::string name, std::string help, GaugeSource source) {
  std::lock_guard<std::mutex> lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), "gauge", std::move(source)});
}

void Metrics::registerCounter(std::string name, std::string help, GaugeSource source) {
  std::lock_guard<std::mutex> lock(mutex_);
  gauges_.push_back(Gauge{std::move(name), std::move(help), "counter", std::move(source)});
}

std::string Metrics::render() const {
  std::string out;
  header(out, "http_request_duration_seconds", "histogram",
         "Time from request line to response sent, by method, route template, status and plugin.");
  {
    std::shared_lock<std::shared_mutex> lock(requestsMutex_);
    for (const auto& [key, s] : requests_) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= kBuckets.size(); ++i) {
        cumulative += s->buckets[i].load(std::memory_order_relaxed);
        std::string le = i < kBuckets.size() ? formatNumber(kBuckets[i]) : "+Inf";
        out += "http_request_duration_seconds_bucket{" + s->labels + ",le=\"" + le + "\"} " +
               std::to_string(cumulative) + "\n";
      }
      out += "http_request_duration_seconds_sum{" + s->labels + "} " +
             formatNumber(static_cast<double>(s->sumNanos.load(std::memory_order_relaxed)) / 1e9) +
             "\n";
      out += "http_request_duration_seconds_count{" + s->labels + "} " +
             std::to_string(s->count.load(std::memory_order_relaxed)) + "\n";
    }
  }
  header(out, "http_active_connections", "gauge",
         "Open client connections on the public listener.");
  out += "http_active_connections " + std::to_string(activeConnections_.load()) + "\n";

  std::lock_guard<std::mutex> lock(mutex_);
  header(out, "portico_plugin_reloads_total", "counter",
         "Plugin loads and reloads by plugin and result.");
  for (const auto& [labels, n] : reloads_) {
    out += "portico_plugin_reloads_total" + labels + " " + std::to_string(n) + "\n";
  }
  for (const auto& g : gauges_) {
    header(out, g.name, g.type, g.help);
    for (const auto& [labels, value] : g.source()) {
      out += g.name + formatLabels(labels) + " " + formatNumber(value) + "\n";
    }
  }
  return out;
}

}  // namespace portico::metrics
