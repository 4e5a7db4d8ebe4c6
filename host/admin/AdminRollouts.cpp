// SPDX-License-Identifier: Apache-2.0
// The fleet rollout routes of the admin API (AdminHandler.h).
#include <cstdio>

#include "admin/AdminHandler.h"
#include "common/ReadFile.h"
#include "fleet/RolloutAgent.h"
#include "fleet/RolloutStore.h"
#include "http/ErrorResponse.h"
#include "lifecycle/PluginManager.h"
#include "lifecycle/StagedInstall.h"

namespace portico::admin {

namespace {

constexpr const char* kNeedsRedis = "fleet rollouts go through Redis: set redis.url";

}  // namespace

void AdminHandler::startRollout(const std::string& name, http::Request& request,
                                http::Response& response, http::Exchange& exchange) {
  if (rollouts_ == nullptr || agent_ == nullptr) {
    http::sendError(response, 503, kNeedsRedis, exchange.requestId);
    return;
  }
  std::string staged = lifecycle::stagedPath(plugins_, name);
  if (!receiveUpload(request, staged, response, exchange)) return;
  // What the file declares, read as porticod reads it before it loads one; then the file goes.
  std::string why;
  auto declared = plugins_.declaredBy(staged, &why);
  std::string bytes = common::readFile(staged).value_or("");
  std::remove(staged.c_str());
  if (!declared) {
    http::sendError(response, 422, "not a Portico plugin: " + why, exchange.requestId);
    return;
  }
  if (declared->name != name) {
    http::sendError(response, 422,
                    "the file is plugin '" + declared->name + "', not '" + name + "'",
                    exchange.requestId);
    return;
  }
  fleet::Rollout rollout;
  try {
    rollout = rollouts_->publish(name, bytes, declared->sha256, declared->version,
                                 uploadedSignature(request).value_or(""), agent_->hostId());
  } catch (const std::exception& e) {
    http::sendError(response, 503, std::string("rollout not published: ") + e.what(),
                    exchange.requestId);
    return;
  }
  agent_->wake();
  http::sendJson(response, 202, rollouts_->describe(rollout).dump());
}

void AdminHandler::showRollouts(const std::string& name, http::Response& response,
                                const http::Exchange& exchange) {
  if (rollouts_ == nullptr || agent_ == nullptr) {
    http::sendError(response, 503, kNeedsRedis, exchange.requestId);
    return;
  }
  if (!name.empty()) {
    auto rollout = rollouts_->get(name);
    if (!rollout) {
      http::sendError(response, 404, "no rollout of plugin " + name, exchange.requestId);
      return;
    }
    http::sendJson(response, 200, rollouts_->describe(*rollout).dump());
    return;
  }
  json::Array all;
  for (const auto& each : rollouts_->names()) {
    if (auto rollout = rollouts_->get(each)) all.push_back(rollouts_->describe(*rollout));
  }
  http::sendJson(
      response, 200,
      json::object({{"host", agent_->hostId()}, {"rollouts", json::Value(std::move(all))}}).dump());
}

}  // namespace portico::admin
