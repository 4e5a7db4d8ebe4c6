/* SPDX-License-Identifier: Apache-2.0 */
// This host's event bus, job queue and push channels, built from events.* and jobs.* when Redis
// is configured, and dispatching to the subscriptions and job handlers of the published route
// table and to the streams subscribed to a channel.
#pragma once

#include <functional>
#include <memory>

#include "bus/EventBus.h"
#include "jobs/JobQueue.h"
#include "push/ChannelHub.h"

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
  // Always there; publishing needs Redis.
  push::ChannelHub* channels() { return &channels_; }

  // The job queue's health for /ready; empty without Redis.
  std::function<resources::Probe()> jobsProbe();

  void start();
  // Jobs in progress finish; call before the plugins are drained.
  void stop();

 private:
  push::ChannelHub channels_;
  std::unique_ptr<bus::EventBus> events_;
  std::unique_ptr<bus::EventBus> push_;  // carries channels_' messages between hosts
  std::unique_ptr<jobs::JobQueue> jobs_;
};

}  // namespace portico::app
