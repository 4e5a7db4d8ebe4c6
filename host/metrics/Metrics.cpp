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

void HistogramFamily::observe(const Labels& labels, double seconds) {
  std::string key;
  for (const auto& [k, v] : labels) key.append(v).append(1, '\x1f');
  Series* series = nullptr;
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = series_.find(key);
    if (it != series_.end()) series = it->second.get();
  }
  if (series == nullptr) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    auto& slot = series_[key];
    if (!slot) {
      slot = std::make_unique<Series>();
      std::string formatted = formatLabels(labels);
      slot->labels = formatted.substr(1, formatted.size() - 2);
    }
    series = slot.get();
  }
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  series->buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  series->count.fetch_add(1, std::memory_order_relaxed);
  series->sumNanos.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void HistogramFamily::render(std::string& out) const {
  header(out, name_, "histogram", help_);
  std::shared_lock<std::shared_mutex> lock(mutex_);
  for (const auto& [key, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += s->buckets[i].load(std::memory_order_relaxed);
      std::string le = i < kBuckets.size() ? formatNumber(kBuckets[i]) : "+Inf";
      out += name_ + "_bucket{" + s->labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) +
             "\n";
    }
    out += name_ + "_sum{" + s->labels + "} " +
           formatNumber(static_cast<double>(s->sumNanos.load(std::memory_order_relaxed)) / 1e9) +
           "\n";
    out += name_ + "_count{" + s->labels + "} " +
           std::to_string(s->count.load(std::memory_order_relaxed)) + "\n";
  }
}

void CounterFamily::add(const Labels& labels, uint64_t n) {
  std::string key = formatLabels(labels);
  std::lock_guard<std::mutex> lock(mutex_);
  values_[key] += n;
}

void CounterFamily::render(std::string& out) const {
  header(out, name_, "counter", help_);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [labels, n] : values_) out += name_ + labels + " " + std::to_string(n) + "\n";
}

void Metrics::registerGauge(std::string name, std::string help, Source source) {
  std::lock_guard<std::mutex> lock(mutex_);
  scraped_.push_back(Scraped{std::move(name), std::move(help), "gauge", std::move(source)});
}

void Metrics::registerCounter(std::string name, std::string help, Source source) {
  std::lock_guard<std::mutex> lock(mutex_);
  scraped_.push_back(Scraped{std::move(name), std::move(help), "counter", std::move(source)});
}

std::string Metrics::render() const {
  std::string out;
  requests_.render(out);
  header(out, "http_active_connections", "gauge",
         "Open client connections on the public listener.");
  out += "http_active_connections " + std::to_string(activeConnections_.load()) + "\n";
  reloads_.render(out);
  escapes_.render(out);
  jobs_.render(out);
  jobDurations_.render(out);
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& g : scraped_) {
    header(out, g.name, g.type, g.help);
    for (const auto& [labels, value] : g.source()) {
      out += g.name + formatLabels(labels) + " " + formatNumber(value) + "\n";
    }
  }
  return out;
}

}  // namespace portico::metrics
