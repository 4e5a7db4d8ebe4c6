// This host's event bus and job queue, built from events.* and jobs.* when Redis is configured,
// and dispatching to the subscriptions and job handlers of the published route table.
#pragma once

#include <functional>
#include <memory>

#include "bus/EventBus.h"
#include "jobs/JobQueue.h"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}
namespace portico::lifecycle {
class PublishedRoutes;
}

namespace portico::app {

// events.* and jobs.*; defaults in conf/porticod.properties.
struct MessagingOptions {
  int eventWorkers = 0;
  size_t eventQueueLimit = 0;
  jobs::JobQueueOptions jobs;

  static MessagingOptions fromConfig(const config::Config& cfg);
};

class Messaging {
 public:
  // Without Redis both parts stay empty; plugins then get "unavailable" for events and jobs.
  Messaging(const MessagingOptions& options, const resources::RedisUrl& url,
            resources::Resources& resources, const lifecycle::PublishedRoutes& routes,
            metrics::Metrics& metrics);

  // Null without Redis.
  bus::EventBus* events() const { return events_.get(); }
  jobs::JobQueue* jobs() const { return jobs_.get(); }

  // The job queue's health for /ready; empty without Redis.
  std::function<resources::Probe()> jobsProbe();

  void start();
  // Jobs in progress finish; call before the plugins are drained.
  void stop();

 private:
  std::unique_ptr<bus::EventBus> events_;
  std::unique_ptr<jobs::JobQueue> jobs_;
};

}  // namespace portico::app
