/* SPDX-License-Identifier: Apache-2.0 */
// This host's part in fleet rollouts (RolloutStore.h): every rollout.poll_ms, and once at start
// before the host serves, it reads each plugin's rollout and does what its state asks of this
// host. As the canary it applies the plugin, watches the 5xx answers of that plugin's routes for
// rollout.canary_ms and then lets the rest follow, or rolls itself back to the version it ran
// before and halts the rollout; if it stops answering instead, another host halts it. In a rolling
// rollout it applies the plugin unless it serves it already; if that fails (refused signature,
// failed init) its running version keeps serving and it halts the rollout. Each step it takes is
// reported under its host id.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "fleet/RolloutStore.h"

namespace portico::lifecycle {
class PluginManager;
}
namespace portico::metrics {
class Metrics;
}

namespace portico::fleet {

class RolloutAgent {
 public:
  struct Options {
    std::string fleet;  // rollout.fleet
    std::string hostId;
    int pollMs = 1000;
    int canaryMs = 60000;
  };

  RolloutAgent(Options options, RolloutStore& store, lifecycle::PluginManager& plugins,
               metrics::Metrics& metrics);
  ~RolloutAgent();
  RolloutAgent(const RolloutAgent&) = delete;
  RolloutAgent& operator=(const RolloutAgent&) = delete;

  // One pass now (a host that starts converges before it serves), then the polling thread.
  void start();
  void stop();
  // Polls now rather than at the next interval (a rollout was just published here).
  void wake();
  const std::string& hostId() const { return options_.hostId; }

 private:
  // What the canary ran before, to return to.
  struct Previous {
    int64_t rollout = 0;
    uint64_t errorsBefore = 0;
    bool known = true;                 // false: this process did not apply it (it restarted since)
    std::optional<std::string> bytes;  // none: the plugin was not loaded here
    std::optional<std::string> signature;
  };

  void run();
  void pass();
  void follow(const Rollout& rollout);
  void actAsCanary(const Rollout& rollout, const std::optional<HostReport>& mine);
  // Another host's part in the canary step: a canary that has not ended its window well after
  // its deadline (it died or lost Redis) halts the rollout, so it is not stuck in `canary`.
  void haltIfCanaryGone(const Rollout& rollout);
  enum class Applied { Serves, Failed, Stale };
  // Installs the rollout's file and reports applied or failed; Stale (nothing done) when a newer
  // rollout replaced the file since `rollout` was read.
  Applied apply(const Rollout& rollout);
  void rollBack(const Rollout& rollout, const Previous& previous, uint64_t errors);
  void report(const Rollout& rollout, const std::string& state, const std::string& error);
  // 5xx answers of the plugin's routes on this host so far.
  uint64_t serverErrors(const std::string& plugin) const;

  Options options_;
  RolloutStore& store_;
  lifecycle::PluginManager& plugins_;
  metrics::Metrics& metrics_;
  std::map<std::string, Previous> previous_;  // by plugin; only the polling thread touches it

  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace portico::fleet
