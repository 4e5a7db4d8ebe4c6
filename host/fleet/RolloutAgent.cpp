// SPDX-License-Identifier: Apache-2.0
#include "fleet/RolloutAgent.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "common/ReadFile.h"
#include "common/UnixTime.h"
#include "lifecycle/FileDigest.h"
#include "lifecycle/PluginManager.h"
#include "lifecycle/StagedInstall.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"

namespace portico::fleet {

namespace {

std::optional<std::string> orNone(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

}  // namespace

RolloutAgent::RolloutAgent(Options options, RolloutStore& store, lifecycle::PluginManager& plugins,
                           metrics::Metrics& metrics)
    : options_(std::move(options)), store_(store), plugins_(plugins), metrics_(metrics) {}

RolloutAgent::~RolloutAgent() {
  stop();
}

void RolloutAgent::start() {
  pass();
  thread_ = std::thread([this] { run(); });
}

void RolloutAgent::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RolloutAgent::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void RolloutAgent::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.pollMs),
                     [this] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    pass();
  }
}

void RolloutAgent::pass() {
  try {
    for (const auto& name : store_.names()) {
      if (auto rollout = store_.get(name)) follow(*rollout);
    }
  } catch (const std::exception& e) {
    // Redis away: the next pass tries again, and this host keeps what it serves.
    log::get("rollout")->warn("rollouts not read: {}", e.what());
  }
}

void RolloutAgent::follow(const Rollout& rollout) {
  auto mine = store_.reportOf(rollout.name, options_.hostId);
  bool triedThis = mine && mine->rollout == rollout.id;
  if (rollout.state == "canary") {
    if (rollout.canary == options_.hostId) {
      actAsCanary(rollout, mine);
    } else {
      haltIfCanaryGone(rollout);
    }
    return;
  }
  if (rollout.state != "rolling") return;  // halted: nobody else applies it
  auto serving = plugins_.serving(rollout.name);
  if (serving && serving->sha256 == rollout.sha256) {
    // The canary, or a host that started with it: said once.
    if (!triedThis) report(rollout, "applied", "");
    return;
  }
  if (triedThis && mine->state != "applied") return;  // failed here once; not again and again
  if (apply(rollout) == Applied::Failed) {
    auto reportNow = store_.reportOf(rollout.name, options_.hostId);
    std::string why = reportNow ? reportNow->error : "not applied";
    store_.transition(rollout.name, rollout.id, "rolling", "halted",
                      "host " + options_.hostId + ": " + why);
  }
}

void RolloutAgent::actAsCanary(const Rollout& rollout, const std::optional<HostReport>& mine) {
  auto logger = log::get("rollout");
  if (!mine || mine->rollout != rollout.id) {
    Previous previous;
    previous.rollout = rollout.id;
    previous.errorsBefore = serverErrors(rollout.name);
    if (auto source = plugins_.sourceOf(rollout.name)) {
      previous.bytes = common::readFile(*source);
      previous.signature = common::readFile(*source + ".sig");
    }
    auto applied = apply(rollout);
    if (applied == Applied::Stale) return;
    if (applied == Applied::Failed) {
      auto failed = store_.reportOf(rollout.name, options_.hostId);
      store_.transition(rollout.name, rollout.id, "canary", "halted",
                        "canary " + options_.hostId + ": " + (failed ? failed->error : "failed"));
      return;
    }
    previous_[rollout.name] = std::move(previous);
    store_.setCanaryUntil(rollout.name, rollout.id, common::unixMs() + options_.canaryMs);
    logger->info("plugin {} {}: canary for {} ms", rollout.name, rollout.version,
                 options_.canaryMs);
    return;
  }
  if (mine->state != "applied") return;
  auto previous = previous_.find(rollout.name);
  // This process did not apply it (it restarted during the canary): it watches from now on.
  if (previous == previous_.end() || previous->second.rollout != rollout.id) {
    Previous unknown;
    unknown.rollout = rollout.id;
    unknown.errorsBefore = serverErrors(rollout.name);
    unknown.known = false;
    previous = previous_.insert_or_assign(rollout.name, std::move(unknown)).first;
  }
  uint64_t errors = serverErrors(rollout.name) - previous->second.errorsBefore;
  if (errors > 0) {
    rollBack(rollout, previous->second, errors);
    previous_.erase(previous);
    return;
  }
  if (rollout.canaryUntilMs > 0 && common::unixMs() >= rollout.canaryUntilMs &&
      store_.transition(rollout.name, rollout.id, "canary", "rolling")) {
    logger->info("plugin {} {}: canary served without errors; every host follows", rollout.name,
                 rollout.version);
    previous_.erase(previous);
  }
}

void RolloutAgent::haltIfCanaryGone(const Rollout& rollout) {
  // A live canary ends its window within a poll of the deadline; ten polls, and at least 5 s,
  // allow for a busy host or a slow Redis before the others decide it is gone.
  const int64_t graceMs = std::max<int64_t>(5000, 10 * int64_t{options_.pollMs});
  int64_t deadline =
      rollout.canaryUntilMs > 0 ? rollout.canaryUntilMs : rollout.startedMs + options_.canaryMs;
  if (common::unixMs() < deadline + graceMs) return;
  // Halted, not promoted: the canary may have died of the very plugin it was proving.
  if (store_.transition(rollout.name, rollout.id, "canary", "halted",
                        "canary " + rollout.canary + " did not end its window (" +
                            std::to_string(graceMs) + " ms past it): it may have stopped; host " +
                            options_.hostId + " halted the rollout")) {
    log::get("rollout")->error("plugin {} {}: canary {} did not end its window; halted",
                               rollout.name, rollout.version, rollout.canary);
  }
}

RolloutAgent::Applied RolloutAgent::apply(const Rollout& rollout) {
  auto logger = log::get("rollout");
  std::string staged = lifecycle::stagedPath(plugins_, rollout.name);
  {
    std::ofstream out(staged, std::ios::binary | std::ios::trunc);
    out << store_.file(rollout.name);
  }
  if (lifecycle::sha256OfFile(staged) != rollout.sha256) {
    // A newer rollout replaced the file since this one was read: the next pass sees it.
    std::remove(staged.c_str());
    return Applied::Stale;
  }
  auto result = lifecycle::installStaged(plugins_, rollout.name, staged, orNone(rollout.signature));
  if (!result.ok) {
    logger->error("plugin {} {} from rollout {} refused: {}", rollout.name, rollout.version,
                  rollout.id, result.message);
    report(rollout, "failed", result.message);
    return Applied::Failed;
  }
  logger->info("plugin {} {} from rollout {} serves (generation {})", rollout.name, result.version,
               rollout.id, result.generation);
  report(rollout, "applied", "");
  return Applied::Serves;
}

void RolloutAgent::rollBack(const Rollout& rollout, const Previous& previous, uint64_t errors) {
  auto logger = log::get("rollout");
  std::string why = std::to_string(errors) + " answer(s) 5xx during the canary";
  if (!previous.known) {
    why +=
        "; this host restarted since it applied the plugin and cannot tell what it ran before,"
        " so it keeps it";
  } else if (previous.bytes) {
    std::string staged = lifecycle::stagedPath(plugins_, rollout.name);
    std::ofstream(staged, std::ios::binary | std::ios::trunc) << *previous.bytes;
    auto result = lifecycle::installStaged(plugins_, rollout.name, staged, previous.signature);
    why += result.ok ? "; rolled back to " + result.version
                     : "; rolling back failed too: " + result.message;
  } else {
    auto result = lifecycle::uninstall(plugins_, rollout.name);
    why += result.ok ? "; unloaded (it was new here)" : "; unloading failed: " + result.message;
  }
  logger->error("plugin {} {}: {}", rollout.name, rollout.version, why);
  report(rollout, "rolled_back", why);
  store_.transition(rollout.name, rollout.id, "canary", "halted",
                    "canary " + options_.hostId + ": " + why);
}

void RolloutAgent::report(const Rollout& rollout, const std::string& state,
                          const std::string& error) {
  HostReport r;
  r.rollout = rollout.id;
  r.state = state;
  r.error = error;
  r.atMs = common::unixMs();
  if (auto serving = plugins_.serving(rollout.name)) {
    r.sha256 = serving->sha256;
    r.version = serving->version;
    r.generation = serving->generation;
  }
  store_.report(rollout.name, options_.hostId, r);
}

uint64_t RolloutAgent::serverErrors(const std::string& plugin) const {
  uint64_t errors = 0;
  for (const auto& totals : metrics_.requestTotals()) {
    if (totals.plugin == plugin && totals.status >= 500) errors += totals.count;
  }
  return errors;
}

}  // namespace portico::fleet
