/* SPDX-License-Identifier: Apache-2.0 */
// Loads, replaces and unloads plugins while requests flow, following the hot-swap invariant:
// no thread may ever execute code of a library that has been closed.
//
//   install:  copy the .so to a unique path, dlopen it RTLD_LOCAL, negotiate, init, check route
//             conflicts, ready. Any failure closes the new copy; the old generation keeps serving.
//   publish:  a new immutable RouteTable is swapped in atomically; readers never take a lock.
//   retire:   the replaced generation is drained on a background thread. Each RouteTable and each
//             request holds a shared_ptr to the generation it uses; the deleter of that shared_ptr
//             hands the generation back once the last reference is gone, and the shared_ptr's
//             final release orders every thread's last use before it. Only then destroy, dlclose
//             and a /proc/self/maps check. Past the drain deadline it is reported stuck and stays
//             mapped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lifecycle/Generation.h"
#include "lifecycle/PluginSignature.h"
#include "lifecycle/RouteTable.h"
#include "portico/json.hpp"

namespace portico::config {
class Config;
}
namespace portico::metrics {
class Metrics;
}
namespace portico::migrate {
class Migrator;
}
namespace portico::crash {
class Quarantine;
}

namespace portico::lifecycle {

class PluginManager {
 public:
  // plugins.* and migrations.dir; defaults in conf/porticod.properties.
  struct Options {
    std::string dir;
    std::string stateDir;  // copies go to <stateDir>/<pid>
    int drainTimeoutMs = 0;
    std::string migrationsDir;  // for plugins that carry no migrations of their own
    bool watch = false;         // reload a plugin whose file is replaced (PluginWatcher)
    std::vector<std::string> trustedKeyFiles;  // PluginSignature.h
    bool requireSignature = false;
    size_t historyPerPlugin = 64;  // not a setting: closed generations GET /admin/plugins keeps

    static Options fromConfig(const config::Config& cfg);
  };

  struct Result {
    bool ok = false;
    int httpStatus = 200;  // what the admin API answers
    std::string message;
    std::string name;
    std::string version;
    uint64_t generation = 0;
  };

  // Every generation reaches `services`; published tables go to `published`. migrator and
  // quarantine may be null (no database configured; tests). With a migrator, a plugin's pending
  // migrations run before its init; if one fails the load fails.
  PluginManager(Options options, const abi::HostServices& services, PublishedRoutes& published,
                metrics::Metrics& metrics, migrate::Migrator* migrator,
                crash::Quarantine* quarantine);
  ~PluginManager();
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Loads every *.so in the plugin dir; failures are logged and skipped. A file whose version is
  // quarantined is replaced by the plugin's last good version, if one was kept.
  void loadAll();
  // Loads `path` as a new plugin; refused if a plugin of the same name is loaded.
  Result add(const std::string& path);
  // Loads `path` as a new plugin or the next generation of the one it names; with
  // `expectedName`, a file that declares another name is refused. `recordAs` is the source path
  // to remember for reloads (the admin API installs from a temporary file).
  Result install(const std::string& path, const std::string& expectedName = {},
                 const std::string& recordAs = {});
  // What the file at `path` says it is, read as a load reads it (from a private copy, checked
  // first) and closed again; nullopt with *why when this host could not load it.
  struct Declared {
    std::string name;
    std::string version;
    std::string sha256;  // of the bytes read
  };
  std::optional<Declared> declaredBy(const std::string& path, std::string* why);
  // Loads the plugin's file again from where it came from.
  Result reload(const std::string& name);
  // Unpublishes the plugin and retires its generation.
  Result unload(const std::string& name);

  // The current route table; lock-free for the caller's purposes, hold it for the request.
  std::shared_ptr<const RouteTable> routes() const;

  // Lets the plugin's quarantined version load again (DELETE /admin/plugins/{name}/quarantine).
  Result liftQuarantine(const std::string& name);
  // Name of the active plugin loaded from `path`, if any.
  std::optional<std::string> pluginForSource(const std::string& path) const;
  std::optional<std::string> sourceOf(const std::string& name) const;
  std::optional<std::string> sha256Of(const std::string& name) const;
  // The serving generation of a plugin, as a fleet rollout reports it.
  struct Serving {
    std::string version;
    std::string sha256;
    uint64_t generation = 0;
  };
  std::optional<Serving> serving(const std::string& name) const;
  size_t activeCount() const;
  // What the active plugins said of their components (component_state), for /ready:
  // [{plugin, component, state}].
  json::Value componentStates() const;
  const std::string& dir() const { return options_.dir; }

  json::Value describe() const;

  // Retires everything and waits up to graceMs for it to drain and close.
  void shutdown(int graceMs);

 private:
  Result load(const std::string& path, const std::string& expectedName, bool replace,
              const std::string& source);
  std::string findConflict(const Generation& gen) const;
  // A fresh path under this process's copy dir for a private copy of `path`.
  std::string nextCopyPath(const std::string& path);
  // The signature beside `path` (<path>.sig) checked against the file's digest and the trusted
  // keys: empty when it may be opened (with *signature set if it is signed), else why not, naming
  // the file as `shownAs` (an upload's staging file means nothing to the operator).
  std::string checkSignature(const std::string& path, const std::string& shownAs,
                             const std::string& sha256,
                             std::optional<PluginSignature>* signature) const;
  void publishLocked();
  void retireLocked(std::shared_ptr<Generation> gen);
  void retireLoop();
  json::Value describeRetired(const std::string& name) const;
  // Keeps a copy of a generation that served and is being replaced or stopped cleanly.
  void keepGood(const Generation& gen);
  std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, double>> inflightGauge()
      const;

  Options options_;
  TrustedKeys trusted_;
  const abi::HostServices& services_;
  PublishedRoutes& published_;
  metrics::Metrics& metrics_;
  migrate::Migrator* migrator_;
  crash::Quarantine* quarantine_;
  std::string copyDir_;

  std::mutex opsMutex_;  // one install/reload/unload at a time
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Generation>> active_;
  // Retired and not yet closed. Not owning: once released (below) the retire loop owns them.
  std::vector<Generation*> retiring_;
  // Generations whose last shared_ptr is gone, handed over by its deleter. Its own lock: a deleter
  // may run on any thread, also one that holds mutex_. Shared with the deleters, which may
  // outlive the manager (a stuck generation released at exit).
  struct Released {
    std::mutex mutex;
    std::vector<Generation*> list;
  };
  std::shared_ptr<Released> released_ = std::make_shared<Released>();
  std::map<std::string, std::deque<json::Value>> history_;
  std::map<std::string, uint64_t> lastGeneration_;
  uint64_t copies_ = 0;

  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread retirer_;
};

}  // namespace portico::lifecycle
