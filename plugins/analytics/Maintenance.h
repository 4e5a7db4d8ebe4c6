/* SPDX-License-Identifier: Apache-2.0 */
// Keeping storage by time, run from the host's job queue rather than an external cron: pg_partman
// makes the coming days' partitions and drops those past retention, yesterday's salts go (so
// visitor hashes cannot be recomputed), rollups past retention go.
//
// The job re-enqueues itself with a delay. Every start of the plugin enqueues one too, so that a
// lost chain is mended; the one whose id analytics.maintenance records is the chain, and another
// ends at once while that one is still queued or running.
#pragma once

#include <chrono>

#include "portico/sdk.hpp"

namespace analytics_plugin {

constexpr const char* kMaintainQueue = "analytics.maintain";

struct MaintenanceOptions {
  int retentionDays = 90;
  std::chrono::seconds interval{3600};
};

void maintain(const portico::Host& host, const portico::Job& job,
              const MaintenanceOptions& options);

}  // namespace analytics_plugin
