// SPDX-License-Identifier: Apache-2.0
#include "abi/Leases.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "log/Logging.h"

namespace portico::abi {
namespace {

std::atomic<uint64_t> reclaimedCount{0};

}  // namespace

LeaseRegistry::~LeaseRegistry() {
  reclaimAll("still open when its generation closed");
}

void LeaseRegistry::add(Lease* lease, const CallScope* scope) {
  lease->scope_ = scope;
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

void LeaseRegistry::reclaim(const CallScope* scope, const char* why) {
  reclaimIf([scope](const Lease& l) { return l.scope_ == scope; }, why, scope);
}

void LeaseRegistry::reclaimAll(const char* why) {
  reclaimIf([](const Lease&) { return true; }, why, nullptr);
}

void LeaseRegistry::reclaimIf(const std::function<bool(const Lease&)>& match, const char* why,
                              const CallScope* scope) {
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
    if (scope != nullptr) {
      log::get("plugins")->warn("reclaimed a {} lease of {} taken for {} {}: {}", l->kind(), owner_,
                                scope->kind, scope->id, why);
    } else {
      log::get("plugins")->warn("reclaimed a {} lease of {}: {}", l->kind(), owner_, why);
    }
    l->giveBack();
  }
}

uint64_t LeaseRegistry::reclaimedTotal() {
  return reclaimedCount.load(std::memory_order_relaxed);
}

}  // namespace portico::abi
