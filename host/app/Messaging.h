/* SPDX-License-Identifier: Apache-2.0 */
// This host's event bus, job queue and push channels, built from events.* and jobs.* when Redis
// is configured, and dispatching to the subscriptions and job handlers of the published route
// table and to the streams subscribed to a channel.
#pragma once

#include <functional>
#include <memory>

#include "bus/EventBus.h"
#include "jobs/JobQueue.h"
#include "push/ChannelBus.h"
#include "push/ChannelHub.h"
#include "push/SessionStreams.h"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}
namespace portico::lifecycle {
class PublishedRoutes;
}
namespace portico::auth {
class AuthService;
}

namespace portico::app {

// events.*, jobs.* and push.replay_*; defaults in conf/porticod.properties.
struct MessagingOptions {
  int eventWorkers = 0;
  size_t eventQueueLimit = 0;
  jobs::JobQueueOptions jobs;
  push::ChannelBusOptions push;

  static MessagingOptions fromConfig(const config::Config& cfg);
};

class Messaging {
 public:
  // Without Redis both parts stay empty; plugins then get "unavailable" for events and jobs.
  Messaging(const MessagingOptions& options, const resources::RedisUrl& url,
            resources::Resources& resources, const lifecycle::PublishedRoutes& routes,
            auth::AuthService& auth, metrics::Metrics& metrics);

  // Null without Redis.
  bus::EventBus* events() const { return events_.get(); }
  jobs::JobQueue* jobs() const { return jobs_.get(); }
  // Always there; publishing needs Redis.
  push::ChannelHub* channels() { return &channels_; }
  // Always there; revocations reach the streams only with Redis.
  push::SessionStreams* sessions() { return &sessions_; }

  // The job queue's health for /ready; empty without Redis.
  std::function<resources::Probe()> jobsProbe();

  void start();
  // Jobs in progress finish; call before the plugins are drained.
  void stop();

 private:
  push::ChannelHub channels_;
  push::SessionStreams sessions_;
  std::unique_ptr<bus::EventBus> events_;
  // Carries channels_' messages between hosts, and the revocations that end sessions_' streams.
  std::unique_ptr<push::ChannelBus> push_;
  std::unique_ptr<jobs::JobQueue> jobs_;
};

}  // namespace portico::app
