/* SPDX-License-Identifier: Apache-2.0 */
// A plugin library opened and negotiated, but not initialised: what it says about itself (name,
// version, ABI, hooks, migrations), checked. Loading a generation starts here, and so does
// `porticod migrate`, which needs a plugin's migrations and nothing else of it.
#pragma once

#include <memory>
#include <string>

#include "lifecycle/Library.h"
#include "migrate/MigrationSet.h"
#include "portico/plugin.h"

namespace portico::lifecycle {

// "1.3"
std::string abiVersion(uint32_t major, uint32_t minor);

class PluginFile {
 public:
  // dlopens `path` and negotiates. Null with the reason in *error when it is no Portico plugin,
  // refuses this host, or describes itself wrongly; the library is closed again then.
  static std::unique_ptr<PluginFile> open(const std::string& path, std::string* error);

  // Valid while the library is open (the plugin owns the table).
  const portico_plugin_info& info() const { return *info_; }
  const std::string& name() const { return name_; }

  // The migrations the library carries (ABI 1.3); when it carries none, those of
  // <migrationsDir>/<name>. Throws std::runtime_error for a malformed set.
  migrate::MigrationSet migrations(const std::string& migrationsDir) const;

  // Hands the open library to a generation.
  std::unique_ptr<Library> release() { return std::move(library_); }

  // dlcloses the library unless a generation took it: only negotiate has run in it.
  ~PluginFile();
  PluginFile(const PluginFile&) = delete;
  PluginFile& operator=(const PluginFile&) = delete;

 private:
  PluginFile(std::unique_ptr<Library> library, const portico_plugin_info* info);
  std::unique_ptr<Library> library_;
  const portico_plugin_info* info_;
  std::string name_;
};

}  // namespace portico::lifecycle
