// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/StagedInstall.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <string_view>
#include <vector>

#include "common/Names.h"
#include "log/Logging.h"

namespace portico::lifecycle {

namespace {

constexpr std::string_view kUpload = "-upload-";

}  // namespace

std::string stagedPath(const PluginManager& plugins, const std::string& name) {
  return plugins.dir() + "/." + name + std::string(kUpload) + std::to_string(::getpid()) + "-" +
         std::to_string(std::random_device{}()) + ".so";
}

void removeStaleUploads(const PluginManager& plugins) {
  std::vector<std::string> names;
  try {
    Poco::File(plugins.dir()).list(names);
  } catch (const Poco::Exception&) {
    return;  // no plugin dir: nothing was left in it
  }
  for (const auto& file : names) {
    size_t at = file.find(kUpload);
    if (file.empty() || file[0] != '.' || at == std::string::npos) continue;
    size_t pidStart = at + kUpload.size();
    size_t pidEnd = file.find('-', pidStart);
    if (pidEnd == std::string::npos) continue;
    std::string pid = file.substr(pidStart, pidEnd - pidStart);
    if (!common::isName(pid, 10, common::kDigits) || Poco::File("/proc/" + pid).exists()) continue;
    std::string path = plugins.dir() + "/" + file;
    if (std::remove(path.c_str()) == 0) {
      log::get("plugins")->warn("removed {}, left by porticod {} that ended mid-install", path,
                                pid);
    }
  }
}

PluginManager::Result installStaged(PluginManager& plugins, const std::string& name,
                                    const std::string& staged,
                                    const std::optional<std::string>& signature) {
  std::string stagedSignature = staged + ".sig";
  if (signature) std::ofstream(stagedSignature, std::ios::trunc) << *signature;
  std::string finalPath = plugins.sourceOf(name).value_or(plugins.dir() + "/" + name + ".so");
  auto result = plugins.install(staged, name, finalPath);
  if (!result.ok) {
    std::remove(staged.c_str());
    std::remove(stagedSignature.c_str());
    return result;
  }
  // The signature first: a watcher reacting to the new file must find the new signature.
  if (signature) {
    std::rename(stagedSignature.c_str(), (finalPath + ".sig").c_str());
  } else {
    std::remove((finalPath + ".sig").c_str());  // an older version's, no longer true
  }
  if (std::rename(staged.c_str(), finalPath.c_str()) != 0) {
    log::get("plugins")->error("plugin {} serves, but renaming {} to {} failed", name, staged,
                               finalPath);
  }
  return result;
}

PluginManager::Result uninstall(PluginManager& plugins, const std::string& name) {
  auto source = plugins.sourceOf(name);
  auto result = plugins.unload(name);
  if (result.ok && source && source->rfind(plugins.dir() + "/", 0) == 0) {
    std::remove(source->c_str());
    std::remove((*source + ".sig").c_str());
  }
  return result;
}

}  // namespace portico::lifecycle
