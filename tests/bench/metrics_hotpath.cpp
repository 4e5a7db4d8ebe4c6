// SPDX-License-Identifier: Apache-2.0
// The cost of recording one request in /metrics, the one thing porticod does per request on top
// of serving it: Metrics::observeRequest (prometheus-cpp, its series found through our cache)
// against a baseline of the cheapest histogram possible (an atomic per bucket, no labels), both
// from two threads on one series, the contended case of a hot route.
//   metrics_hotpath [observations per thread]
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

#include "metrics/Metrics.h"

namespace {

double nanosPerCall(int threads, long n, const std::function<void()>& call) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (long i = 0; i < n; ++i) call();
    });
  }
  for (auto& w : workers) w.join();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
             .count() /
         static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 1000000;
  const auto& bounds = portico::metrics::Metrics::buckets();
  std::array<std::atomic<uint64_t>, 16> buckets{};
  std::atomic<uint64_t> sum{0};
  auto baseline = [&] {
    double v = 0.0003;
    size_t b = 0;
    while (b < bounds.size() && v > bounds[b]) ++b;
    buckets[b].fetch_add(1, std::memory_order_relaxed);
    sum.fetch_add(300, std::memory_order_relaxed);
  };
  portico::metrics::Metrics metrics;
  auto observe = [&] { metrics.observeRequest("GET", "/hello/{name}", 200, "hello", 0.0003); };
  for (int round = 0; round < 3; ++round) {
    double base = nanosPerCall(2, n, baseline);
    double ours = nanosPerCall(2, n, observe);
    std::printf("atomic histogram %.0f ns, observeRequest %.0f ns (wall per call, 2 threads)\n",
                base, ours);
  }
}
