/* SPDX-License-Identifier: Apache-2.0 */
// One loaded copy of a plugin: its library, its instance, its routes, and how many requests are
// still running on it. The unit of the hot-swap invariant: a generation's library is closed only
// when nothing can reach it any more.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "abi/HostApi.h"
#include "abi/Leases.h"
#include "lifecycle/Library.h"
#include "portico/plugin.h"

namespace portico::lifecycle {

using abi::JobHandlerSpec;
using abi::RouteSpec;
using abi::SubscriptionSpec;

enum class GenerationState { Loading, Active, Draining, Stuck, Closed };
const char* toString(GenerationState state);

class Generation {
 public:
  Generation(std::unique_ptr<Library> library, const portico_plugin_info& info, uint64_t number,
             std::string sourcePath, std::string sha256);
  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  // Lifecycle hooks; each returns false with the plugin's message in *error.
  bool init(const abi::HostServices& services, std::string* error);
  bool ready(std::string* error);
  // Calls the drain hook. Leases taken through the generation's own context stay: requests still
  // running may hold them (a plugin built before ABI 1.3 takes every lease that way); close()
  // reclaims what is left.
  void drain();
  // Calls destroy, dlcloses and checks /proc/self/maps. Only once nothing references this
  // generation any more.
  void close();

  // Counts a request in flight for its whole duration.
  class Call {
   public:
    explicit Call(Generation& g) : g_(g) { g_.inflight_.fetch_add(1, std::memory_order_relaxed); }
    ~Call() { g_.inflight_.fetch_sub(1, std::memory_order_relaxed); }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

   private:
    Generation& g_;
  };

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& sourcePath() const { return sourcePath_; }
  const std::string& sha256() const { return sha256_; }
  // The signature document it was loaded with (PluginSignature.h); empty when unsigned.
  const std::string& signature() const { return signature_; }
  void setSignature(std::string document) { signature_ = std::move(document); }
  // The private copy that is mapped (exists until close()).
  const std::string& copyPath() const { return library_->path(); }
  uint64_t number() const { return number_; }
  uint32_t abiMajor() const { return abiMajor_; }
  uint32_t abiMinor() const { return abiMinor_; }
  const std::vector<RouteSpec>& routes() const { return ctx_.registered.routes; }
  const std::vector<SubscriptionSpec>& subscriptions() const {
    return ctx_.registered.subscriptions;
  }
  const std::vector<JobHandlerSpec>& jobHandlers() const { return ctx_.registered.jobHandlers; }
  int64_t inflight() const { return inflight_.load(std::memory_order_relaxed); }
  abi::LeaseRegistry& leases() { return *leases_; }
  // What every context of this generation points at (the one init got, and each call's).
  abi::PluginContext& context() { return ctx_; }
  const abi::PluginContext& context() const { return ctx_; }
  GenerationState state() const { return state_.load(); }
  void setState(GenerationState s) { state_.store(s); }
  // -1 while still open, 0 closed but still mapped, 1 closed and unmapped.
  int unmapped() const { return unmapped_.load(); }
  std::chrono::steady_clock::time_point retiredAt() const { return retiredAt_; }
  void markRetired() { retiredAt_ = std::chrono::steady_clock::now(); }

 private:
  std::unique_ptr<Library> library_;
  const portico_plugin_hooks* hooks_;
  std::string name_;
  std::string version_;
  uint32_t abiMajor_;
  uint32_t abiMinor_;
  uint64_t number_;
  std::string sourcePath_;
  std::string sha256_;
  std::string signature_;
  std::unique_ptr<abi::LeaseRegistry> leases_;
  abi::PluginContext ctx_;
  void* instance_ = nullptr;
  bool initialized_ = false;
  std::atomic<int64_t> inflight_{0};
  std::atomic<GenerationState> state_{GenerationState::Loading};
  std::atomic<int> unmapped_{-1};
  std::chrono::steady_clock::time_point retiredAt_;
};

}  // namespace portico::lifecycle
