// SPDX-License-Identifier: Apache-2.0
#include "app/AccessObserver.h"

#include "common/TraceContext.h"
#include "http/Router.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"

namespace portico::app {

AccessObserver::AccessObserver(metrics::Metrics& metrics, bool accessLog)
    : metrics_(metrics), access_(accessLog ? log::get("access") : nullptr) {}

void AccessObserver::connectionOpened() {
  metrics_.connectionOpened();
}
void AccessObserver::connectionClosed() {
  metrics_.connectionClosed();
}

void AccessObserver::requestDone(std::string_view method, std::string_view target, int status,
                                 const http::Exchange& exchange, double seconds) {
  // Clients choose the method: keep the label set bounded.
  const std::string label = http::isKnownMethod(method) ? std::string(method) : "OTHER";
  metrics_.observeRequest(label, exchange.route, status, exchange.plugin, seconds);
  if (access_) {
    access_->info("{} {} {} {:.3f}ms route={} plugin={} trace={}", method, target, status,
                  seconds * 1e3, exchange.route, exchange.plugin,
                  common::traceId(exchange.traceparent));
  }
}

}  // namespace portico::app
