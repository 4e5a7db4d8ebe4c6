/* SPDX-License-Identifier: Apache-2.0 */
// What the host serves right now: an immutable snapshot of every published route, event
// subscription and job handler, swapped whole when a plugin is loaded, replaced or unloaded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http/Router.h"
#include "lifecycle/Generation.h"

namespace portico::lifecycle {

// targets[i] answers router.routes()[i]. Whoever holds the table holds the generations it names,
// so none of them can be closed underneath.
struct RouteTable {
  template <typename Spec>
  struct Target {
    std::shared_ptr<Generation> generation;
    const Spec* spec;  // owned by the generation
  };
  http::Router router;
  std::vector<Target<RouteSpec>> targets;
  std::vector<Target<SubscriptionSpec>> subscriptions;
  std::map<std::string, Target<JobHandlerSpec>> jobHandlers;  // by queue
};

// The table readers see. Built before the plugin manager so that the event bus and the job queue,
// which the manager hands to plugins, can dispatch through it. Readers never take a lock.
class PublishedRoutes {
 public:
  PublishedRoutes() : table_(std::make_shared<const RouteTable>()) {}
  std::shared_ptr<const RouteTable> current() const { return std::atomic_load(&table_); }
  void publish(std::shared_ptr<const RouteTable> table) {
    std::atomic_store(&table_, std::move(table));
  }

 private:
  std::shared_ptr<const RouteTable> table_;
};

}  // namespace portico::lifecycle
