// SPDX-License-Identifier: Apache-2.0
// A plugin's own signals (1.6): counters on /metrics and the states of its components on /ready.
#include "abi/AbiGlue.h"
#include "abi/ApiParts.h"
#include "abi/HostApi.h"
#include "abi/HostServices.h"
#include "common/Names.h"
#include "metrics/Metrics.h"

namespace portico::abi {
namespace {

constexpr size_t kComponentsMax = 64;

bool isSignalName(std::string_view s) {
  return common::isName(s, 64, common::kLower | common::kDigits, "_.:-");
}

portico_status metricCount(portico_host_ctx* ctx, portico_str event, uint64_t delta) {
  return guarded(nullptr, [&] {
    if (ctx == nullptr || !isSignalName(sv(event))) return PORTICO_ERR_INVALID_ARGUMENT;
    metrics::Metrics* metrics = ctx->plugin->services->metrics;
    if (metrics == nullptr) return PORTICO_ERR_UNAVAILABLE;
    return metrics->countPluginEvent(ctx->plugin->pluginName, std::string(sv(event)), delta)
               ? PORTICO_OK
               : PORTICO_ERR_TOO_LARGE;
  });
}

portico_status componentState(portico_host_ctx* ctx, portico_str component, portico_str state) {
  return guarded(nullptr, [&] {
    if (ctx == nullptr || !isSignalName(sv(component)) || !isSignalName(sv(state))) {
      return PORTICO_ERR_INVALID_ARGUMENT;
    }
    PluginContext& plugin = *ctx->plugin;
    std::lock_guard<std::mutex> lock(plugin.componentsMutex);
    auto it = plugin.components.find(std::string(sv(component)));
    if (it != plugin.components.end()) {
      it->second = std::string(sv(state));
      return PORTICO_OK;
    }
    if (plugin.components.size() >= kComponentsMax) return PORTICO_ERR_TOO_LARGE;
    plugin.components.emplace(sv(component), sv(state));
    return PORTICO_OK;
  });
}

}  // namespace

void fillSignalsApi(portico_host_api& api) {
  api.metric_count = &metricCount;
  api.component_state = &componentState;
}

}  // namespace portico::abi
