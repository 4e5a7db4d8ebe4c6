/* SPDX-License-Identifier: Apache-2.0 */
// A plugin rolled out to every porticod that shares one Redis (porticoctl rollout NAME FILE).
// One rollout per plugin and fleet (rollout.fleet: hosts sharing a Redis may form several) at a
// time, a newer one replacing it:
//   portico:rollouts:<fleet>               SET of the plugins that have one
//   portico:rollout:<fleet>:<name>         HASH id, sha256, version, signature, state, canary,
//                                          canary_until_ms, error, started_ms
//   portico:rollout:<fleet>:<name>:file    the plugin's bytes
//   portico:rollout:<fleet>:<name>:hosts   HASH host id -> what that host did with it (JSON)
// States: `canary` (only the canary host applies it, then watches its errors for
// rollout.canary_ms), `rolling` (every host applies it, also one started later) and `halted` (a
// host failed to apply it or the canary saw errors: no other host applies it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "portico/json.hpp"
#include "resources/Resources.h"

namespace portico::fleet {

struct Rollout {
  std::string name;
  int64_t id = 0;
  std::string sha256;
  std::string version;
  std::string signature;      // the signature document, "" when unsigned
  std::string state;          // canary, rolling, halted
  std::string canary;         // the host id that applies it first
  int64_t canaryUntilMs = 0;  // set by the canary once it serves it
  std::string error;
  int64_t startedMs = 0;
};

// What one host did with a rollout.
struct HostReport {
  int64_t rollout = 0;  // the id it is about
  std::string state;    // applied, failed, rolled_back
  std::string sha256;   // what the host serves now
  std::string version;
  uint64_t generation = 0;
  std::string error;
  int64_t atMs = 0;
};

class RolloutStore {
 public:
  RolloutStore(resources::RedisPool& redis, const std::string& fleet)
      : redis_(redis),
        names_("portico:rollouts:" + fleet),
        prefix_("portico:rollout:" + fleet + ":") {}

  // Starts a rollout with `canary` applying it first. Throws resources::PoolUnavailable.
  Rollout publish(const std::string& name, const std::string& bytes, const std::string& sha256,
                  const std::string& version, const std::string& signature,
                  const std::string& canary);
  std::vector<std::string> names();
  std::optional<Rollout> get(const std::string& name);
  std::string file(const std::string& name);
  // Moves rollout `id` of `name` from state `from` to `to` (with `error`), unless it has moved
  // on meanwhile (another host did, or a newer rollout replaced it): false then.
  bool transition(const std::string& name, int64_t id, const std::string& from,
                  const std::string& to, const std::string& error = {});
  void setCanaryUntil(const std::string& name, int64_t id, int64_t untilMs);
  void report(const std::string& name, const std::string& host, const HostReport& report);
  std::optional<HostReport> reportOf(const std::string& name, const std::string& host);
  std::map<std::string, HostReport> reports(const std::string& name);

  // A rollout and every host's report, for the admin API.
  json::Value describe(const Rollout& rollout);

 private:
  std::string key(const std::string& name) const { return prefix_ + name; }

  resources::RedisPool& redis_;
  std::string names_;
  std::string prefix_;
};

}  // namespace portico::fleet
