/* SPDX-License-Identifier: Apache-2.0 */
// Installing a plugin from bytes that arrived over the network (the admin API, a fleet rollout):
// written to a staged file in the plugin dir under a dot-name (which the dir scan and the watcher
// ignore), loaded from there, and renamed over the plugin's file only once it serves, so that a
// broken upload never replaces a working plugin on disk. Its signature document, when it has one,
// travels with it.
#pragma once

#include <optional>
#include <string>

#include "lifecycle/PluginManager.h"

namespace portico::lifecycle {

// A fresh path in the plugin dir for the bytes of plugin `name`, naming this process
// (.<name>-upload-<pid>-<random>.so).
std::string stagedPath(const PluginManager& plugins, const std::string& name);

// Removes what a porticod that died mid-install left in the plugin dir (its staged files and their
// signatures); those of processes still running (other hosts on the same dir) stay.
void removeStaleUploads(const PluginManager& plugins);

// Installs the file at `staged` as plugin `name`; consumes it (renamed into place or removed).
PluginManager::Result installStaged(PluginManager& plugins, const std::string& name,
                                    const std::string& staged,
                                    const std::optional<std::string>& signature);

// Unloads plugin `name` and removes its file from the plugin dir (else the next start would load
// it again).
PluginManager::Result uninstall(PluginManager& plugins, const std::string& name);

}  // namespace portico::lifecycle
