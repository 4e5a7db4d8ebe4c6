// SPDX-License-Identifier: Apache-2.0
#include "resources/Readiness.h"

namespace portico::resources {

Readiness::Report Readiness::check(bool withReasons) const {
  std::vector<Probe> probes = resources_.probe();
  for (const auto& probe : probes_) probes.push_back(probe());
  bool started = started_.load();
  bool ok = started;
  json::Array services;
  for (const auto& p : probes) {
    ok = ok && p.ok;
    auto service = json::object(
        {{"name", p.name}, {"status", p.ok ? "up" : "down"}, {"latency_ms", p.latencyMs}});
    if (withReasons && !p.ok) service.set("error", p.error);
    services.push_back(std::move(service));
  }
  return {ok, json::object({{"status", ok ? "ready" : "not ready"},
                            {"started", started},
                            {"services", json::Value(std::move(services))}})};
}

}  // namespace portico::resources
