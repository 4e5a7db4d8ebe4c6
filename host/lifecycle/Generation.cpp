// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/Generation.h"

#include <cstdio>

#include "abi/AbiGlue.h"
#include "abi/HostServices.h"
#include "log/Logging.h"

namespace portico::lifecycle {

using abi::ErrorBuffer;
using abi::sv;

const char* toString(GenerationState state) {
  switch (state) {
    case GenerationState::Loading:
      return "loading";
    case GenerationState::Active:
      return "active";
    case GenerationState::Draining:
      return "draining";
    case GenerationState::Stuck:
      return "stuck";
    case GenerationState::Closed:
      return "closed";
  }
  return "unknown";
}

Generation::Generation(std::unique_ptr<Library> library, const portico_plugin_info& info,
                       uint64_t number, std::string sourcePath, std::string sha256)
    : library_(std::move(library)),
      hooks_(info.hooks),
      name_(sv(info.name)),
      version_(sv(info.version)),
      abiMajor_(info.abi_major),
      abiMinor_(info.abi_minor),
      number_(number),
      sourcePath_(std::move(sourcePath)),
      sha256_(std::move(sha256)),
      leases_(std::make_unique<abi::LeaseRegistry>("plugin '" + name_ + "' generation " +
                                                   std::to_string(number))) {}

Generation::~Generation() {
  // A generation that was never closed (stuck at shutdown) keeps its library mapped on purpose:
  // a thread may still be inside it.
  if (state_.load() != GenerationState::Closed && initialized_) {
    log::get("plugins")->warn("generation {} of {} left mapped at exit", number_, name_);
  }
}

bool Generation::init(const abi::HostServices& services, std::string* error) {
  ctx_.pluginName = name_;
  ctx_.services = &services;
  ctx_.leases = leases_.get();
  ctx_.logger = log::get("plugin." + name_);
  ctx_.acceptingRoutes = true;
  ErrorBuffer e;
  portico_status s = hooks_->init(abi::hostApi(), &ctx_.ctx, &instance_, &e.err);
  ctx_.acceptingRoutes = false;
  if (s != PORTICO_OK) {
    *error = "init failed (status " + std::to_string(s) + "): " + e.message();
    ctx_.registered.clear();
    return false;
  }
  initialized_ = true;
  return true;
}

bool Generation::ready(std::string* error) {
  if (hooks_->ready == nullptr) return true;
  ErrorBuffer e;
  portico_status s = hooks_->ready(instance_, &e.err);
  if (s != PORTICO_OK) {
    *error = "ready failed (status " + std::to_string(s) + "): " + e.message();
    return false;
  }
  return true;
}

void Generation::drain() {
  if (initialized_ && hooks_->drain != nullptr) {
    ErrorBuffer e;
    if (hooks_->drain(instance_, &e.err) != PORTICO_OK) {
      log::get("plugins")->warn("drain of {} generation {} failed: {}", name_, number_,
                                e.message());
    }
  }
}

void Generation::close() {
  if (initialized_ && hooks_->destroy != nullptr) hooks_->destroy(instance_);
  leases_->reclaimAll("still open when the generation closed");
  initialized_ = false;
  instance_ = nullptr;
  // Handler pointers into the library are about to dangle.
  ctx_.registered.clear();
  std::string error;
  std::string copy = library_->path();
  if (!library_->close(&error)) {
    log::get("plugins")->error("dlclose of {} generation {} failed: {}", name_, number_, error);
  }
  bool mapped = isMapped(copy);
  unmapped_.store(mapped ? 0 : 1);
  state_.store(GenerationState::Closed);
  if (mapped) {
    log::get("plugins")->error(
        "{} generation {} is still mapped after dlclose (unique symbols or a thread_local "
        "destructor keep it alive: build with portico_add_plugin)",
        name_, number_);
  } else {
    std::remove(copy.c_str());
  }
}

}  // namespace portico::lifecycle
