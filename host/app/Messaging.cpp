// SPDX-License-Identifier: Apache-2.0
#include "app/Messaging.h"

#include "auth/AuthService.h"
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
  o.push.replayMessages = static_cast<size_t>(cfg.getInt("push.replay_messages", 1, 100000));
  o.push.replayWindowS = static_cast<int>(cfg.getInt("push.replay_window_s", 1, 86400));
  o.push.queueLimit = o.eventQueueLimit;
  return o;
}

Messaging::Messaging(const MessagingOptions& options, const resources::RedisUrl& url,
                     resources::Resources& resources, const lifecycle::PublishedRoutes& routes,
                     auth::AuthService& auth, metrics::Metrics& metrics) {
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

  push_ = std::make_unique<push::ChannelBus>(
      url, *resources.redis(), options.push,
      std::vector<std::string>{auth::Revocations::kNoticeChannel},
      push::ChannelBus::Handlers{
          [hub = &channels_](const std::string& channel, const push::ChannelMessage& message) {
            hub->deliver(channel, message);
          },
          [hub = &channels_](const std::string& channel) { hub->subscribed(channel); },
          [sessions = &sessions_](const std::string&, const std::string& text) {
            sessions->revoked(text);
          },
          // Revocation notices published while the connection was down were not heard.
          [sessions = &sessions_, &auth] {
            sessions->recheck([&auth](const push::Session& s) {
              return auth.sessionEnded(s.subject, s.tokenId, s.issuedAtMs);
            });
          }});
  channels_.setBus(push_.get());
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
  metrics.registerCounter(
      "portico_channel_received_total",
      "Push channel messages Redis brought to this host (it subscribes only to the channels its "
      "streams hold), and those dropped because its delivery queue was full.",
      [bus = push_.get()] {
        return std::vector<std::pair<metrics::Labels, double>>{
            {{{"result", "queued"}}, static_cast<double>(bus->received() - bus->dropped())},
            {{{"result", "dropped"}}, static_cast<double>(bus->dropped())}};
      });
  metrics.registerGauge("portico_channels_subscribed",
                        "Push channels this host holds a stream of (and subscribes to).",
                        [hub = &channels_] {
                          return std::vector<std::pair<metrics::Labels, double>>{
                              {{}, static_cast<double>(hub->channels())}};
                        });
  metrics.registerCounter("portico_streams_revoked_total",
                          "Streams closed because the session they were opened with ended.",
                          [sessions = &sessions_] {
                            return std::vector<std::pair<metrics::Labels, double>>{
                                {{}, static_cast<double>(sessions->closed())}};
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
  if (events_) {
    events_->start();
    if (!events_->waitSubscribed(std::chrono::seconds(2))) {
      log::get("events")->warn(
          "not subscribed to the bus yet: events published meanwhile are missed");
    }
  }
  if (push_) {
    push_->start();
    if (!push_->waitConnected(std::chrono::seconds(2))) {
      log::get("push")->warn("not subscribed to revocation notices yet");
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
