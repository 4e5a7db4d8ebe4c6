#include "abi/Leases.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "log/Logging.h"

namespace portico::abi {
namespace {

// The request being served on this thread; the host is never unloaded, so thread_local is safe.
thread_local const void* tlsScope = nullptr;

std::atomic<uint64_t> reclaimedCount{0};

}  // namespace

RequestLeaseScope::RequestLeaseScope(LeaseRegistry& registry)
    : registry_(registry), previous_(tlsScope) {
  tlsScope = this;
}

RequestLeaseScope::~RequestLeaseScope() {
  tlsScope = previous_;
  registry_.reclaim(this, "still open when its request ended");
}

LeaseRegistry::~LeaseRegistry() {
  reclaimAll("still open when its generation closed");
}

void LeaseRegistry::add(Lease* lease) {
  lease->scope_ = tlsScope;
  lease->registry = this;
  std::lock_guard<std::mutex> lock(mutex_);
  open_.push_back(lease);
}

void LeaseRegistry::release(Lease* lease) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find(open_.begin(), open_.end(), lease);
    if (it == open_.end()) return;  // already reclaimed (or never ours)
    open_.erase(it);
  }
  lease->giveBack();
  delete lease;
}

void LeaseRegistry::reclaim(const void* scope, const char* why) {
  reclaimIf([scope](const Lease& l) { return l.scope_ == scope; }, why);
}

void LeaseRegistry::reclaimAll(const char* why) {
  reclaimIf([](const Lease&) { return true; }, why);
}

void LeaseRegistry::reclaimIf(const std::function<bool(const Lease&)>& match, const char* why) {
  std::vector<Lease*> taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (open_.empty()) return;
    auto split = std::stable_partition(open_.begin(), open_.end(),
                                       [&match](Lease* l) { return !match(*l); });
    taken.assign(split, open_.end());
    open_.erase(split, open_.end());
    for (Lease* l : taken) reclaimed_.emplace_back(l);
    reclaimedCount.fetch_add(taken.size(), std::memory_order_relaxed);
  }
  for (Lease* l : taken) {
    log::get("plugins")->warn("reclaimed a {} lease of {}: {}", l->kind(), owner_, why);
    l->giveBack();
  }
}

uint64_t LeaseRegistry::reclaimedTotal() {
  return reclaimedCount.load(std::memory_order_relaxed);
}

}  // namespace portico::abi
