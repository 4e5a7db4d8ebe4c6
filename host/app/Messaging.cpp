// SPDX-License-Identifier: Apache-2.0
#include "app/Messaging.h"

#include "config/Config.h"
#include "dispatch/Dispatch.h"
#include "lifecycle/RouteTable.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"

namespace portico::app {

MessagingOptions MessagingOptions::fromConfig(const config::Config& cfg) {
  MessagingOptions o;
  o.eventWorkers = static_cast<int>(cfg.getInt("events.workers", 1, 256));
  o.eventQueueLimit = static_cast<size_t>(cfg.getInt("events.queue_limit", 1, 10000000));
  o.jobs = jobs::JobQueueOptions::fromConfig(cfg);
  return o;
}

Messaging::Messaging(const MessagingOptions& options, const resources::RedisUrl& url,
                     resources::Resources& resources, const lifecycle::PublishedRoutes& routes,
                     metrics::Metrics& metrics) {
  if (resources.redis() == nullptr) return;
  events_ = std::make_unique<bus::EventBus>(
      url, *resources.redis(), bus::EventBus::kEventPrefix,
      [&routes](const std::string& topic, const std::string& payload,
                const std::string& traceparent) {
        dispatch::deliverEvent(*routes.current(), topic, payload, traceparent);
      },
      options.eventWorkers, options.eventQueueLimit);

  metrics.registerCounter(
      "portico_events_total",
      "Events received from the bus: dispatched to matching subscriptions, or dropped "
      "because the delivery queue was full.",
      [events = events_.get()] {
        return std::vector<std::pair<metrics::Labels, double>>{
            {{{"result", "delivered"}}, static_cast<double>(events->delivered())},
            {{{"result", "dropped"}}, static_cast<double>(events->dropped())}};
      });

  // One delivery thread: a channel's messages reach its streams in the order published.
  push_ = std::make_unique<bus::EventBus>(
      url, *resources.redis(), "portico:push:",
      [hub = &channels_](const std::string& channel, const std::string& data, const std::string&) {
        hub->deliver(channel, data);
      },
      1, options.eventQueueLimit);
  channels_.setPublisher([bus = push_.get()](const std::string& channel, const std::string& data) {
    bus->publish(channel, data);
  });
  metrics.registerCounter(
      "portico_channel_messages_total",
      "Push channel messages received by this host: written to its subscribed streams "
      "(delivered, once per stream), finding no subscribed stream here (undelivered), or refused "
      "by a stream's full send buffer (dropped).",
      [hub = &channels_] {
        return std::vector<std::pair<metrics::Labels, double>>{
            {{{"result", "delivered"}}, static_cast<double>(hub->delivered())},
            {{{"result", "undelivered"}}, static_cast<double>(hub->undelivered())},
            {{{"result", "dropped"}}, static_cast<double>(hub->dropped())}};
      });

  jobs_ = std::make_unique<jobs::JobQueue>(
      url, *resources.redis(), options.jobs,
      [&routes] {
        std::vector<std::string> queues;
        // Held by name: in a range-for the table returned by current() would die before the loop.
        auto table = routes.current();
        for (const auto& [queue, target] : table->jobHandlers) queues.push_back(queue);
        return queues;
      },
      [&routes, visibility = std::chrono::milliseconds(options.jobs.visibilityTimeoutMs)](
          const std::string& queue, const std::string& id, const std::string& payload, int attempt,
          const std::string& traceparent, std::string* error) {
        // Past its visibility timeout another host may take the job: its calls end before.
        return dispatch::runJob(*routes.current(), queue, id, payload, attempt, traceparent,
                                std::chrono::steady_clock::now() + visibility, error);
      },
      metrics);
}

std::function<resources::Probe()> Messaging::jobsProbe() {
  if (!jobs_) return {};
  return [jobs = jobs_.get()] { return jobs->health(); };
}

void Messaging::start() {
  for (auto* bus : {events_.get(), push_.get()}) {
    if (!bus) continue;
    bus->start();
    if (!bus->waitSubscribed(std::chrono::seconds(2))) {
      log::get("events")->warn(
          "not subscribed to the bus yet: messages published meanwhile are missed");
    }
  }
  if (jobs_) jobs_->start();
}

void Messaging::stop() {
  if (jobs_) jobs_->stop();
  if (push_) push_->stop();
  if (events_) events_->stop();
}

}  // namespace portico::app
