/* SPDX-License-Identifier: Apache-2.0 */
// Records every finished public request: the duration histogram and, when enabled, one access
// log line.
#pragma once

#include <spdlog/logger.h>

#include <memory>

#include "http/Exchange.h"

namespace portico::metrics {
class Metrics;
}

namespace portico::app {

class AccessObserver : public http::Observer {
 public:
  AccessObserver(metrics::Metrics& metrics, bool accessLog);

  void connectionOpened() override;
  void connectionClosed() override;
  void requestDone(std::string_view method, std::string_view target, int status,
                   const http::Exchange& exchange, double seconds) override;

 private:
  metrics::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> access_;  // null when the access log is off
};

}  // namespace portico::app
