/* SPDX-License-Identifier: Apache-2.0 */
// Optional watch of the plugin dir (plugins.watch): a .so renamed into place (or created) is
// loaded, or reloaded if it is the file of a loaded plugin and its bytes changed. Editing a file in
// place is not followed: only an atomic rename guarantees the loader never sees half a file.
#pragma once

#include <Poco/DirectoryWatcher.h>

#include <memory>
#include <string>

namespace portico::lifecycle {

class PluginManager;

class PluginWatcher {
 public:
  explicit PluginWatcher(PluginManager& plugins);
  ~PluginWatcher();

 private:
  void onChange(const Poco::DirectoryWatcher::DirectoryEvent& event);

  PluginManager& plugins_;
  std::unique_ptr<Poco::DirectoryWatcher> watcher_;
};

}  // namespace portico::lifecycle
