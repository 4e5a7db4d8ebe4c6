/* SPDX-License-Identifier: Apache-2.0 */
// What /ready reports (each service's name, state and latency) and what /admin/ready adds (why a
// service is down, in the words of its driver: hosts, ports and users, which a public page must
// not show). Services are the connection pools and whatever registers a probe (the job queue).
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "portico/json.hpp"
#include "resources/Resources.h"

namespace portico::resources {

class Readiness {
 public:
  explicit Readiness(Resources& resources) : resources_(resources) {}

  // Before the listeners start: probes are read without a lock.
  void add(std::function<Probe()> probe) { probes_.push_back(std::move(probe)); }
  // Start-up finished (plugin dir loaded) and no shutdown yet.
  void setStarted(bool started) { started_ = started; }

  struct Report {
    bool ok;
    json::Value body;
  };
  Report check(bool withReasons) const;

 private:
  Resources& resources_;
  std::vector<std::function<Probe()>> probes_;
  std::atomic<bool> started_{false};
};

}  // namespace portico::resources
