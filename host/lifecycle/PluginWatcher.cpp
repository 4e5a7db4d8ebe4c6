// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/PluginWatcher.h"

#include <Poco/Delegate.h>
#include <Poco/Path.h>

#include "lifecycle/FileDigest.h"
#include "lifecycle/PluginManager.h"
#include "log/Logging.h"

namespace portico::lifecycle {

PluginWatcher::PluginWatcher(PluginManager& plugins) : plugins_(plugins) {
  watcher_ = std::make_unique<Poco::DirectoryWatcher>(
      plugins_.dir(),
      Poco::DirectoryWatcher::DW_ITEM_ADDED | Poco::DirectoryWatcher::DW_ITEM_MOVED_TO);
  watcher_->itemAdded += Poco::delegate(this, &PluginWatcher::onChange);
  watcher_->itemMovedTo += Poco::delegate(this, &PluginWatcher::onChange);
  log::get("plugins")->info("watching {} for replaced plugins", plugins_.dir());
}

PluginWatcher::~PluginWatcher() {
  try {
    watcher_->itemAdded -= Poco::delegate(this, &PluginWatcher::onChange);
    watcher_->itemMovedTo -= Poco::delegate(this, &PluginWatcher::onChange);
  } catch (const Poco::Exception&) {
    // Only a failed event lock can throw here; the watcher goes with this object either way.
  }
}

void PluginWatcher::onChange(const Poco::DirectoryWatcher::DirectoryEvent& event) {
  try {
    std::string file = Poco::Path(event.item.path()).getFileName();
    if (file.empty() || file[0] == '.' || file.size() < 4 ||
        file.compare(file.size() - 3, 3, ".so") != 0) {
      return;
    }
    std::string path = plugins_.dir() + "/" + file;
    auto name = plugins_.pluginForSource(path);
    if (!name) {
      plugins_.add(path);
      return;
    }
    // The admin API's own rename after an upload lands here too: nothing new to load then.
    if (plugins_.sha256Of(*name) == sha256OfFile(path)) return;
    plugins_.reload(*name);
  } catch (const std::exception& e) {
    log::get("plugins")->error("watch event for {} failed: {}", event.item.path(), e.what());
  }
}

}  // namespace portico::lifecycle
