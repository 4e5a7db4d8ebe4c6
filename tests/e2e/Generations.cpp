// SPDX-License-Identifier: Apache-2.0
#include "Generations.h"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "Porticod.h"

namespace e2e {

portico::json::Value pluginEntry(const Porticod& p, const std::string& plugin) {
  auto reply = admin(p, "GET", "/admin/plugins");
  const portico::json::Value list = reply.json();
  for (const auto& entry : list.at("plugins").as_array()) {
    if (entry.at("name").as_string() == plugin) return entry;
  }
  throw std::runtime_error("plugin " + plugin + " not in " + reply.body);
}

portico::json::Value waitUntilDrained(const Porticod& p, const std::string& plugin, int timeoutMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  for (;;) {
    auto entry = pluginEntry(p, plugin);
    bool draining = false;
    for (const auto& old : entry.at("old_generations").as_array()) {
      draining = draining || old.at("state").as_string() != "closed";
    }
    if (!draining || std::chrono::steady_clock::now() > deadline) return entry;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void waitForInflight(const Porticod& p, const std::string& plugin, int n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pluginEntry(p, plugin).at("inflight").as_int() != n) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error(plugin + " never had " + std::to_string(n) +
                               " request(s) in flight");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

HeldRequest::HeldRequest(const Porticod& p) : releaseFile_(p.dir() + "/release") {
  reply_ = std::async(std::launch::async, [port = p.port(), url = "/slow?until=" + releaseFile_] {
    return get(port, url);
  });
}

HeldRequest::~HeldRequest() {
  release();
}

void HeldRequest::release() {
  std::ofstream(releaseFile_).put('\n');
}

Reply HeldRequest::reply() {
  release();
  return reply_.get();
}

}  // namespace e2e
