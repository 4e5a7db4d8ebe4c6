// SPDX-License-Identifier: Apache-2.0
#include "lifecycle/PluginManager.h"

#include "abi/AbiGlue.h"
#include "lifecycle/FileDigest.h"
#include "lifecycle/PluginFile.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "common/Names.h"
#include "common/ReadFile.h"
#include "config/Config.h"
#include "crash/CallSite.h"
#include "crash/Quarantine.h"
#include "http/HostPaths.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "migrate/Migrator.h"

namespace portico::lifecycle {

using abi::ErrorBuffer;
using abi::sv;

namespace {

// The admin API's status for a version that may not be loaded (423 Locked).
constexpr int kQuarantined = 423;
// How long streams told to end at the drain deadline have to finish before the generation counts
// as stuck.
constexpr auto kStreamCloseGrace = std::chrono::seconds(2);

using Clock = std::chrono::steady_clock;

// One replaced generation as GET /admin/plugins shows it.
json::Value describeOld(const Generation& g) {
  return json::object({{"name", g.name()},
                       {"generation", g.number()},
                       {"version", g.version()},
                       {"state", toString(g.state())},
                       {"sha256", g.sha256()},
                       {"inflight", g.inflight()},
                       {"streams", g.context().streams.open()},
                       {"unmapped", g.unmapped() == 1}});
}

// A process that crashed or was killed left its private copies behind; a process that still
// runs (another porticod on the same state dir) keeps its own.
void removeCopiesOfDeadProcesses(const std::string& stateDir) {
  std::vector<std::string> names;
  Poco::File(stateDir).list(names);
  for (const auto& name : names) {
    if (!common::isName(name, 10, common::kDigits)) continue;
    if (Poco::File("/proc/" + name).exists()) continue;
    try {
      Poco::File(stateDir + "/" + name).remove(true);
    } catch (const Poco::Exception& e) {
      log::get("plugins")->warn("cannot remove stale plugin copies {}: {}", name, e.displayText());
    }
  }
}

}  // namespace

PluginManager::Options PluginManager::Options::fromConfig(const config::Config& cfg) {
  Options o;
  o.dir = cfg.getString("plugins.dir");
  o.stateDir = cfg.getString("plugins.state_dir");
  o.drainTimeoutMs = static_cast<int>(cfg.getInt("plugins.drain_timeout_ms", 0, 86400000));
  o.migrationsDir = cfg.getString("migrations.dir");
  o.watch = cfg.getBool("plugins.watch");
  o.trustedKeyFiles = cfg.getList("plugins.trusted_keys");
  o.requireSignature = cfg.getBool("plugins.require_signature");
  return o;
}

PluginManager::PluginManager(Options options, const abi::HostServices& services,
                             PublishedRoutes& published, metrics::Metrics& metrics,
                             migrate::Migrator* migrator, crash::Quarantine* quarantine)
    : options_(std::move(options)),
      trusted_(TrustedKeys::load(options_.trustedKeyFiles)),
      services_(services),
      published_(published),
      metrics_(metrics),
      migrator_(migrator),
      quarantine_(quarantine) {
  copyDir_ = options_.stateDir + "/" + std::to_string(::getpid());
  Poco::File(copyDir_).createDirectories();
  removeCopiesOfDeadProcesses(options_.stateDir);
  metrics_.registerGauge(
      "portico_plugin_generation", "Generation number serving each plugin.", [this] {
        std::vector<std::pair<metrics::Labels, double>> out;
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [name, gen] : active_) {
          out.push_back({{{"plugin", name}}, static_cast<double>(gen->number())});
        }
        return out;
      });
  metrics_.registerGauge(
      "portico_plugin_quarantined",
      "1 for each plugin whose version crashed the process and is kept from loading.", [this] {
        std::vector<std::pair<metrics::Labels, double>> out;
        if (quarantine_ != nullptr) {
          for (const auto& q : quarantine_->entries()) out.push_back({{{"plugin", q.plugin}}, 1.0});
        }
        return out;
      });
  metrics_.registerGauge("portico_plugin_inflight",
                         "Requests running on each live generation of each plugin.",
                         [this] { return inflightGauge(); });
  metrics_.registerCounter("portico_lease_reclaims_total",
                           "Database and Redis leases a plugin left open, reclaimed by the host.",
                           [] {
                             return std::vector<std::pair<metrics::Labels, double>>{
                                 {{}, static_cast<double>(abi::LeaseRegistry::reclaimedTotal())}};
                           });
  retirer_ = std::thread([this] { retireLoop(); });
}

PluginManager::~PluginManager() {
  shutdown(0);
  try {
    Poco::File(copyDir_).remove(true);
  } catch (const Poco::Exception&) {
    // A stuck generation's copy may still be mapped; removing the name is harmless, failing is too.
  }
}

std::vector<std::pair<metrics::Labels, double>> PluginManager::inflightGauge() const {
  std::vector<std::pair<metrics::Labels, double>> out;
  std::lock_guard<std::mutex> lock(mutex_);
  auto add = [&](const Generation& g) {
    out.push_back({{{"plugin", g.name()}, {"generation", std::to_string(g.number())}},
                   static_cast<double>(g.inflight())});
  };
  for (const auto& [name, gen] : active_) add(*gen);
  for (const Generation* gen : retiring_) add(*gen);
  return out;
}

void PluginManager::loadAll() {
  std::vector<std::string> files;
  Poco::File dir(options_.dir);
  if (!dir.exists()) {
    log::get("plugins")->warn("plugin dir {} does not exist; starting with no plugins",
                              options_.dir);
    return;
  }
  std::vector<std::string> names;
  dir.list(names);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (n.size() > 3 && n.compare(n.size() - 3, 3, ".so") == 0 && n[0] != '.') {
      files.push_back(options_.dir + "/" + n);
    }
  }
  for (const auto& f : files) {
    Result r = add(f);
    if (!r.ok) log::get("plugins")->error("not loading {}: {}", f, r.message);
    if (r.httpStatus == kQuarantined) {
      auto good = quarantine_->lastGood(r.name);
      if (!good) continue;
      Result fallback = load(*good, r.name, false, f);
      log::get("plugins")->warn("plugin {}: serving its last good version instead: {}", r.name,
                                fallback.message);
    }
  }
}

PluginManager::Result PluginManager::liftQuarantine(const std::string& name) {
  Result r;
  r.name = name;
  if (quarantine_ == nullptr || !quarantine_->lift(name)) {
    r.httpStatus = 404;
    r.message = "plugin '" + name + "' has no quarantined version";
    return r;
  }
  log::get("plugins")->warn("quarantine of plugin {} lifted by an operator", name);
  r.ok = true;
  r.message = "quarantine of plugin '" + name + "' lifted; reload or install to load it";
  return r;
}

void PluginManager::keepGood(const Generation& gen) {
  if (quarantine_ == nullptr) return;
  try {
    quarantine_->keepGood(gen.name(), gen.copyPath(), gen.signature());
  } catch (const std::exception& e) {
    log::get("plugins")->warn("cannot keep plugin {} as its last good version: {}", gen.name(),
                              e.what());
  }
}

PluginManager::Result PluginManager::add(const std::string& path) {
  return load(path, {}, false, path);
}

PluginManager::Result PluginManager::install(const std::string& path,
                                             const std::string& expectedName,
                                             const std::string& recordAs) {
  return load(path, expectedName, true, recordAs.empty() ? path : recordAs);
}

PluginManager::Result PluginManager::reload(const std::string& name) {
  auto source = sourceOf(name);
  if (!source) {
    Result r;
    r.httpStatus = 404;
    r.name = name;
    r.message = "plugin '" + name + "' is not loaded";
    return r;
  }
  return load(*source, name, true, *source);
}

std::string PluginManager::nextCopyPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  return copyDir_ + "/" + Poco::Path(path).getBaseName() + "-" + std::to_string(++copies_) + ".so";
}

std::optional<PluginManager::Declared> PluginManager::declaredBy(const std::string& path,
                                                                 std::string* why) {
  std::string copy = nextCopyPath(path);
  std::optional<Declared> declared;
  try {
    std::string sha = copyWithDigest(path, copy);
    crash::CallSite inspecting(Poco::Path(path).getBaseName(), 0, sha, "inspecting", path, "");
    if (auto file = PluginFile::open(copy, why)) {
      declared = Declared{file->name(), std::string(sv(file->info().version)), sha};
    }
  } catch (const std::exception& e) {
    *why = e.what();
  }
  std::remove(copy.c_str());
  return declared;
}

PluginManager::Result PluginManager::load(const std::string& path, const std::string& expectedName,
                                          bool replace, const std::string& source) {
  std::lock_guard<std::mutex> ops(opsMutex_);
  auto logger = log::get("plugins");
  Result result;
  result.name = expectedName;
  auto fail = [&](int status, const std::string& message) {
    result.ok = false;
    result.httpStatus = status;
    result.message = message;
    metrics_.countReload(result.name.empty() ? "unknown" : result.name, false);
    logger->error("load of {} failed: {}", source, message);
    return result;
  };

  std::string copy = nextCopyPath(path);
  std::string sha;
  try {
    sha = copyWithDigest(path, copy);
  } catch (const std::exception& e) {
    std::remove(copy.c_str());
    return fail(400, e.what());
  }
  if (auto q = quarantine_ ? quarantine_->find(sha) : std::nullopt) {
    std::remove(copy.c_str());
    result.name = q->plugin;
    return fail(kQuarantined, "this version of plugin '" + q->plugin + "' (sha256 " + sha +
                                  ") is quarantined since " + q->since + ": " + q->reason +
                                  "; lift it with DELETE /admin/plugins/" + q->plugin +
                                  "/quarantine");
  }
  std::optional<PluginSignature> signature;
  if (std::string refused = checkSignature(path, source, sha, &signature); !refused.empty()) {
    std::remove(copy.c_str());
    return fail(422, refused);
  }
  // From here on the library's own code runs (constructors, negotiate, init): a fault in it is a
  // crash of this version, recorded and quarantined like one in a request (CrashHandler.h).
  const std::string stem = Poco::Path(source).getBaseName();
  crash::CallSite loading(stem, 0, sha, "loading", source, "");
  std::string why;
  auto file = PluginFile::open(copy, &why);
  if (!file) {
    std::remove(copy.c_str());
    return fail(422, "cannot load " + source + ": " + why);
  }
  auto closeCopy = [&] {
    file.reset();
    std::remove(copy.c_str());
  };
  const portico_plugin_info* info = &file->info();
  std::string name(sv(info->name));
  result.name = name;
  if (!expectedName.empty() && name != expectedName) {
    closeCopy();
    return fail(422, source + " declares plugin '" + name + "', not '" + expectedName + "'");
  }
  if (signature && (signature->claims.name != name ||
                    signature->claims.version != std::string(sv(info->version)))) {
    closeCopy();
    return fail(422, source + " declares " + name + " " + std::string(sv(info->version)) +
                         " but its signature is for " + signature->claims.name + " " +
                         signature->claims.version);
  }
  uint64_t number = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = active_.find(name);
    if (it != active_.end() && !replace) {
      closeCopy();
      return fail(409, "duplicate plugin name '" + name + "': " + source + " and the loaded " +
                           it->second->sourcePath() + " both declare it");
    }
    number = lastGeneration_[name] + 1;
  }

  if (migrator_ != nullptr) {
    try {
      migrator_->up(file->migrations(options_.migrationsDir));
    } catch (const std::exception& e) {
      closeCopy();
      return fail(422, "plugin '" + name + "': " + e.what());
    }
  }

  // A generation closed on a failed load is deleted where its last reference drops; a retired
  // one goes to the retire loop, which closes and deletes it.
  std::shared_ptr<Generation> gen(new Generation(file->release(), *info, number, source, sha),
                                  [released = released_](Generation* g) {
                                    if (g->state() == GenerationState::Closed) {
                                      delete g;
                                      return;
                                    }
                                    std::lock_guard<std::mutex> lock(released->mutex);
                                    released->list.push_back(g);
                                  });
  if (signature) gen->setSignature(signature->dump());
  if (!gen->init(services_, &why)) {
    gen->close();
    return fail(422, "plugin '" + name + "': " + why);
  }
  why = findConflict(*gen);
  if (!why.empty()) {
    gen->close();
    return fail(409, why);
  }
  if (!gen->ready(&why)) {
    gen->close();
    return fail(422, "plugin '" + name + "': " + why);
  }

  std::shared_ptr<Generation> replaced;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<Generation> old = active_[name];
    gen->setState(GenerationState::Active);
    active_[name] = gen;
    lastGeneration_[name] = number;
    publishLocked();
    replaced = old;
    if (old) retireLocked(std::move(old));
  }
  // It served without crashing the process: the version to fall back on.
  if (replaced) keepGood(*replaced);
  replaced.reset();
  metrics_.countReload(name, true);
  logger->info("plugin {} {} generation {} serving (sha256 {})", name, gen->version(), number, sha);
  result.ok = true;
  result.version = gen->version();
  result.generation = number;
  result.message = "plugin '" + name + "' " + gen->version() + " generation " +
                   std::to_string(number) + " is serving";
  return result;
}

PluginManager::Result PluginManager::unload(const std::string& name) {
  std::lock_guard<std::mutex> ops(opsMutex_);
  Result result;
  result.name = name;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(name);
  if (it == active_.end()) {
    result.httpStatus = 404;
    result.message = "plugin '" + name + "' is not loaded";
    return result;
  }
  auto gen = std::move(it->second);
  active_.erase(it);
  publishLocked();
  result.ok = true;
  result.generation = gen->number();
  result.version = gen->version();
  result.message = "plugin '" + name + "' unloaded; generation " + std::to_string(gen->number()) +
                   " is draining";
  retireLocked(std::move(gen));
  log::get("plugins")->info("{}", result.message);
  return result;
}

std::string PluginManager::findConflict(const Generation& gen) const {
  for (const auto& r : gen.routes()) {
    if (http::findHostPath(r.path.pattern()) != nullptr) {
      return "route " + r.method + " " + r.path.pattern() + " of plugin '" + gen.name() +
             "' conflicts with the host's own " + r.path.pattern();
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, other] : active_) {
    if (name == gen.name()) continue;
    for (const auto& mine : gen.jobHandlers()) {
      for (const auto& theirs : other->jobHandlers()) {
        if (mine.queue == theirs.queue) {
          return "job queue '" + mine.queue + "' of plugin '" + gen.name() +
                 "' is already handled by plugin '" + name + "'";
        }
      }
    }
    for (const auto& mine : gen.routes()) {
      for (const auto& theirs : other->routes()) {
        if (mine.method == theirs.method && mine.path.sameShape(theirs.path)) {
          return "route " + mine.method + " " + mine.path.pattern() + " of plugin '" + gen.name() +
                 "' conflicts with " + theirs.method + " " + theirs.path.pattern() +
                 " of plugin '" + name + "'";
        }
      }
    }
  }
  return "";
}

void PluginManager::publishLocked() {
  auto table = std::make_shared<RouteTable>();
  for (const auto& [name, gen] : active_) {
    for (const auto& spec : gen->routes()) {
      table->router.add(spec.method, spec.path);
      table->targets.push_back(RouteTable::Target<RouteSpec>{gen, &spec});
    }
    for (const auto& spec : gen->subscriptions()) {
      table->subscriptions.push_back(RouteTable::Target<SubscriptionSpec>{gen, &spec});
    }
    for (const auto& spec : gen->jobHandlers()) {
      table->jobHandlers[spec.queue] = RouteTable::Target<JobHandlerSpec>{gen, &spec};
    }
  }
  published_.publish(std::move(table));
}

std::shared_ptr<const RouteTable> PluginManager::routes() const {
  return published_.current();
}

// By value on purpose: the manager's reference is handed in and dropped here.
void PluginManager::retireLocked(
    std::shared_ptr<Generation> gen) {  // NOLINT(performance-unnecessary-value-param)
  gen->setState(GenerationState::Draining);
  gen->markRetired();
  // Its outbound calls may finish, but not past the drain deadline: after that nothing of the
  // generation should still be running.
  auto cutoff = gen->retiredAt() + std::chrono::milliseconds(options_.drainTimeoutMs);
  gen->context().outboundCutoff.store(
      std::chrono::duration_cast<std::chrono::nanoseconds>(cutoff.time_since_epoch()).count());
  retiring_.push_back(gen.get());
  wake_.notify_all();
  // `gen` drops the manager's reference here; the route tables and requests drop theirs later.
}

void PluginManager::retireLoop() {
  std::vector<Generation*> toDrain;
  std::vector<Generation*> toClose;        // stay listed in retiring_ while they close
  std::vector<Generation*> drained;        // drain hook already called
  std::vector<Generation*> released;       // no reference left anywhere
  std::vector<Generation*> streamsClosed;  // its open streams were told to end
  auto has = [](const std::vector<Generation*>& list, Generation* g) {
    return std::find(list.begin(), list.end(), g) != list.end();
  };
  auto erase = [](std::vector<Generation*>& list, Generation* g) {
    list.erase(std::remove(list.begin(), list.end(), g), list.end());
  };
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (stopping_) return;  // whatever is still retiring is stuck and stays mapped
    if (retiring_.empty()) {
      wake_.wait(lock, [this] { return stopping_ || !retiring_.empty(); });
      continue;
    }
    {
      std::lock_guard<std::mutex> handedBack(released_->mutex);
      released.insert(released.end(), released_->list.begin(), released_->list.end());
      released_->list.clear();
    }
    auto now = Clock::now();
    for (Generation* g : retiring_) {
      if (!has(drained, g)) {
        toDrain.push_back(g);
        drained.push_back(g);
      } else if (has(released, g)) {
        toClose.push_back(g);
      } else if (g->state() == GenerationState::Draining &&
                 now - g->retiredAt() > std::chrono::milliseconds(options_.drainTimeoutMs)) {
        if (!has(streamsClosed, g) && g->context().streams.open() > 0) {
          // Long-lived streams (SSE, WebSocket) stay until the deadline, then end cleanly
          // (1012, or an SSE retry hint) so their clients reconnect to the new generation;
          // they get a moment to do so before the generation counts as stuck.
          g->context().streams.closeAll(1012, "service restart");
          streamsClosed.push_back(g);
          continue;
        }
        if (has(streamsClosed, g) &&
            now - g->retiredAt() <
                std::chrono::milliseconds(options_.drainTimeoutMs) + kStreamCloseGrace) {
          continue;
        }
        g->setState(GenerationState::Stuck);
        log::get("plugins")->error(
            "generation {} of {} is stuck: {} requests and {} streams still running after the "
            "{} ms drain deadline; it stays mapped",
            g->number(), g->name(), g->inflight(), g->context().streams.open(),
            options_.drainTimeoutMs);
      }
    }
    lock.unlock();
    for (Generation* g : toDrain) g->drain();
    toDrain.clear();
    for (Generation* g : toClose) {
      g->close();
      log::get("plugins")->info("generation {} of {} closed, unmapped: {}", g->number(), g->name(),
                                g->unmapped() == 1);
    }
    lock.lock();
    for (Generation* g : toClose) {
      auto& h = history_[g->name()];
      h.push_back(describeOld(*g));
      while (h.size() > options_.historyPerPlugin) h.pop_front();
      erase(drained, g);
      erase(released, g);
      erase(streamsClosed, g);
      erase(retiring_, g);
      delete g;
    }
    toClose.clear();
    if (!retiring_.empty()) wake_.wait_for(lock, std::chrono::milliseconds(2));
  }
}

std::optional<std::string> PluginManager::pluginForSource(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, gen] : active_) {
    if (gen->sourcePath() == path) return name;
  }
  return std::nullopt;
}

std::optional<std::string> PluginManager::sourceOf(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(name);
  if (it == active_.end()) return std::nullopt;
  return it->second->sourcePath();
}

size_t PluginManager::activeCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return active_.size();
}

std::string PluginManager::checkSignature(const std::string& path, const std::string& shownAs,
                                          const std::string& sha256,
                                          std::optional<PluginSignature>* signature) const {
  auto text = common::readFile(path + ".sig");
  if (!text) {
    return options_.requireSignature ? shownAs + " is unsigned (no " + shownAs +
                                           ".sig) and plugins.require_signature is on"
                                     : "";
  }
  try {
    *signature = PluginSignature::parse(*text);
  } catch (const std::runtime_error& e) {
    return shownAs + ".sig: " + e.what();
  }
  if ((*signature)->claims.sha256 != sha256) {
    return shownAs + " is not the file its signature is for (sha256 " + sha256 + ", signed " +
           (*signature)->claims.sha256 + ")";
  }
  std::string why;
  if (!trusted_.verify(**signature, &why)) return shownAs + ": " + why;
  return "";
}

json::Value PluginManager::componentStates() const {
  json::Array out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, gen] : active_) {
    const abi::PluginContext& ctx = gen->context();
    std::lock_guard<std::mutex> components(ctx.componentsMutex);
    for (const auto& [component, state] : ctx.components) {
      out.push_back(json::object({{"plugin", name}, {"component", component}, {"state", state}}));
    }
  }
  return json::Value(std::move(out));
}

std::optional<PluginManager::Serving> PluginManager::serving(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(name);
  if (it == active_.end()) return std::nullopt;
  return Serving{it->second->version(), it->second->sha256(), it->second->number()};
}

json::Value PluginManager::describeRetired(const std::string& name) const {
  json::Array out;
  for (const Generation* g : retiring_) {
    if (g->name() != name) continue;
    out.push_back(describeOld(*g));
  }
  auto h = history_.find(name);
  if (h != history_.end()) out.insert(out.end(), h->second.begin(), h->second.end());
  return json::Value(std::move(out));
}

json::Value PluginManager::describe() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json::Array plugins;
  for (const auto& [name, gen] : active_) {
    json::Array routes;
    for (const auto& r : gen->routes()) {
      routes.push_back(json::object(
          {{"method", r.method}, {"path", r.path.pattern()}, {"max_body_bytes", r.maxBodyBytes}}));
    }
    plugins.push_back(json::object({{"name", name},
                                    {"version", gen->version()},
                                    {"abi", abiVersion(gen->abiMajor(), gen->abiMinor())},
                                    {"generation", gen->number()},
                                    {"state", toString(gen->state())},
                                    {"sha256", gen->sha256()},
                                    {"source", gen->sourcePath()},
                                    {"inflight", gen->inflight()},
                                    {"streams", gen->context().streams.open()},
                                    {"routes", json::Value(std::move(routes))},
                                    {"old_generations", describeRetired(name)}}));
  }
  json::Array unloaded;
  std::vector<std::string> names;
  for (const Generation* g : retiring_) names.push_back(g->name());
  for (const auto& [name, h] : history_) names.push_back(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& name : names) {
    if (active_.count(name)) continue;
    unloaded.push_back(json::object({{"name", name}, {"old_generations", describeRetired(name)}}));
  }
  json::Array quarantined;
  if (quarantine_ != nullptr) {
    for (const auto& q : quarantine_->entries()) {
      quarantined.push_back(json::object(
          {{"plugin", q.plugin}, {"sha256", q.sha256}, {"reason", q.reason}, {"since", q.since}}));
    }
  }
  return json::object({{"plugins", json::Value(std::move(plugins))},
                       {"unloaded", json::Value(std::move(unloaded))},
                       {"quarantined", json::Value(std::move(quarantined))}});
}

void PluginManager::shutdown(int graceMs) {
  {
    std::lock_guard<std::mutex> ops(opsMutex_);
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    for (auto& [name, gen] : active_) {
      keepGood(*gen);  // stopped cleanly after serving: a good version
      retireLocked(std::move(gen));
    }
    active_.clear();
    publishLocked();
  }
  auto deadline = Clock::now() + std::chrono::milliseconds(graceMs);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (retiring_.empty() || Clock::now() >= deadline) {
        stopping_ = true;
        wake_.notify_all();
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (retirer_.joinable()) retirer_.join();
}

std::optional<std::string> PluginManager::sha256Of(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = active_.find(name);
  if (it == active_.end()) return std::nullopt;
  return it->second->sha256();
}

}  // namespace portico::lifecycle
