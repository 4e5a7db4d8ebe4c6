// SPDX-License-Identifier: Apache-2.0
#include "Maintenance.h"

#include <string>

namespace analytics_plugin {

namespace {

bool stillPending(const portico::Host& host, const std::string& id) {
  auto state = host.job_status(id).first;
  return state == PORTICO_JOB_QUEUED || state == PORTICO_JOB_RUNNING ||
         state == PORTICO_JOB_RETRYING;
}

}  // namespace

void maintain(const portico::Host& host, const portico::Job& job,
              const MaintenanceOptions& options) {
  portico::Db db(job);
  auto tx = db.begin();
  // Locked for the run: two hosts never maintain at once.
  auto chain = db.query("SELECT chain FROM analytics.maintenance FOR UPDATE");
  std::string current(chain.at(0, "chain").as_text());
  if (!current.empty() && current != job.id && stillPending(host, current)) return;

  std::string retention = std::to_string(options.retentionDays) + " days";
  db.execute(
      "UPDATE partman.part_config SET retention = $1 WHERE parent_table = 'analytics.events'",
      {retention});
  db.query("SELECT partman.run_maintenance('analytics.events', p_jobmon := false)");
  db.execute("DELETE FROM analytics.events_hourly WHERE bucket < now() - $1::interval",
             {retention});
  db.execute("DELETE FROM analytics.route_stats WHERE bucket < now() - $1::interval", {retention});
  db.execute("DELETE FROM analytics.salts WHERE day < (now() AT TIME ZONE 'UTC')::date");
  portico::JobOptions next;
  next.delay_ms = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(options.interval).count());
  std::string id = host.enqueue(kMaintainQueue, portico::json::object({}), next);
  db.execute("UPDATE analytics.maintenance SET chain = $1, last_run = now()", {id});
  tx.commit();
}

}  // namespace analytics_plugin
