/* SPDX-License-Identifier: Apache-2.0 */
// Leases of pooled sessions (PostgreSQL, Redis) taken by a plugin generation.
//
// Every lease is registered with its generation and tagged with the call it was taken for (the
// CallScope of the context it was taken through, whatever thread took it), or with none when
// taken through the generation's own context. A lease still open when its call ends, or when the
// generation closes, is reclaimed: its session is rolled back and returned to the pool, and the
// owner is logged. A reclaimed lease object stays allocated until the generation
// closes, so a late release by a misbehaving plugin is a harmless no-op rather than a double free.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "abi/CallScope.h"

namespace portico::abi {

class Lease {
 public:
  virtual ~Lease() = default;
  // Returns the session to its pool (rolling back whatever is open). Must not throw.
  virtual void giveBack() noexcept = 0;
  virtual const char* kind() const = 0;

  // Set by LeaseRegistry::add: where the plugin's release goes.
  class LeaseRegistry* registry = nullptr;

 private:
  friend class LeaseRegistry;
  const CallScope* scope_ = nullptr;  // the call it was taken for, if any
};

class LeaseRegistry {
 public:
  explicit LeaseRegistry(std::string owner) : owner_(std::move(owner)) {}
  ~LeaseRegistry();

  // Takes ownership; tags the lease with `scope` (null: the generation's own).
  void add(Lease* lease, const CallScope* scope);
  // The plugin's release: gives the session back and frees the lease (no-op if reclaimed).
  void release(Lease* lease);
  // Reclaims the open leases taken for one call, when it ends.
  void reclaim(const CallScope* scope, const char* why);
  void reclaimAll(const char* why);

  // Leases reclaimed since start, all generations together (portico_lease_reclaims_total).
  static uint64_t reclaimedTotal();

 private:
  // scope: the call the matched leases were taken for, named in the log (null: none).
  void reclaimIf(const std::function<bool(const Lease&)>& match, const char* why,
                 const CallScope* scope);

  std::string owner_;  // "plugin 'x' generation N", for the log
  mutable std::mutex mutex_;
  std::vector<Lease*> open_;
  std::vector<std::unique_ptr<Lease>> reclaimed_;
};

}  // namespace portico::abi
