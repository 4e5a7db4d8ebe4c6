// Leases of pooled sessions (PostgreSQL, Redis) taken by a plugin generation.
//
// Every lease is registered with its generation and, when taken while a request is being served
// on this thread, tagged with that request. A lease still open when its request ends, or after the
// generation's drain hook has run, is reclaimed: its session is rolled back and returned to the
// pool, and the owner is logged. A reclaimed lease object stays allocated until the generation
// closes, so a late release by a misbehaving plugin is a harmless no-op rather than a double free.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

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
  const void* scope_ = nullptr;  // the request that took it, if any
};

// Marks the request being served on this thread for as long as it lives: leases taken meanwhile
// belong to it, and those still open at its end are reclaimed.
class RequestLeaseScope {
 public:
  explicit RequestLeaseScope(class LeaseRegistry& registry);
  ~RequestLeaseScope();
  RequestLeaseScope(const RequestLeaseScope&) = delete;
  RequestLeaseScope& operator=(const RequestLeaseScope&) = delete;

 private:
  LeaseRegistry& registry_;
  const void* previous_;
};

class LeaseRegistry {
 public:
  explicit LeaseRegistry(std::string owner) : owner_(std::move(owner)) {}
  ~LeaseRegistry();

  // Takes ownership; tags the lease with this thread's current request, if any.
  void add(Lease* lease);
  // The plugin's release: gives the session back and frees the lease (no-op if reclaimed).
  void release(Lease* lease);
  // Reclaims the open leases taken by one request (scope), or those taken outside any request
  // (scope == nullptr: the plugin's own threads, after its drain hook).
  void reclaim(const void* scope, const char* why);
  void reclaimAll(const char* why);

  // Leases reclaimed since start, all generations together (portico_lease_reclaims_total).
  static uint64_t reclaimedTotal();

 private:
  void reclaimIf(const std::function<bool(const Lease&)>& match, const char* why);

  std::string owner_;  // "plugin 'x' generation N", for the log
  mutable std::mutex mutex_;
  std::vector<Lease*> open_;
  std::vector<std::unique_ptr<Lease>> reclaimed_;
};

}  // namespace portico::abi
