// SPDX-License-Identifier: Apache-2.0
#include "app/PorticoApp.h"

#include <Poco/File.h>
#include <Poco/Util/HelpFormatter.h>

#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <tuple>

#include "abi/HostServices.h"
#include "admin/AdminHandler.h"
#include "app/AccessObserver.h"
#include "app/Messaging.h"
#include "app/MigrateCommand.h"
#include "app/PublicHandler.h"
#include "app/Settings.h"
#include "app/Signals.h"
#include "auth/AuthService.h"
#include "common/BuildInfo.h"
#include "common/PrivateDir.h"
#include "config/Config.h"
#include "crash/CrashHandler.h"
#include "crash/Quarantine.h"
#include "fleet/RolloutAgent.h"
#include "fleet/RolloutStore.h"
#include "http/HttpServer.h"
#include "http/HttpsRedirect.h"
#include "http/TlsListeners.h"
#include "lifecycle/PluginManager.h"
#include "lifecycle/PluginWatcher.h"
#include "lifecycle/StagedInstall.h"
#include "log/Logging.h"
#include "metrics/Metrics.h"
#include "metrics/RouteStats.h"
#include "migrate/HostMigrations.h"
#include "migrate/Migrator.h"
#include "outbound/HttpClient.h"
#include "push/UserStreams.h"
#include "resources/Readiness.h"
#include "resources/Resources.h"
#include "upgrade/BinaryUpgrade.h"
#include "upgrade/Handover.h"

namespace portico::app {

using Poco::Util::Option;
using Poco::Util::OptionCallback;

namespace {

// Secrets belong in the environment (PORTICO_ADMIN_TOKEN, PORTICO_DATABASE_URL,
// PORTICO_REDIS_URL), not in a file that gets copied, committed and backed up.
void warnAboutSecretsInFile(const config::Config& cfg) {
  auto logger = log::get("porticod");
  if (!cfg.getString("admin.token").empty() && !cfg.fromEnvironment("admin.token")) {
    logger->warn("admin.token is set in the config file; prefer PORTICO_ADMIN_TOKEN");
  }
  for (const char* key : {"database.url", "redis.url"}) {
    std::string url = cfg.getString(key);
    size_t at = url.find('@');
    if (at != std::string::npos && url.rfind(':', at) > url.find("://") + 2 &&
        !cfg.fromEnvironment(key)) {
      logger->warn("{} carries a password in the config file; prefer {}", key,
                   config::Config::envName(key));
    }
  }
}

// Every open connection is a descriptor and costs no thread any more, so the soft limit (often
// 1024) would be the first thing to run out: raise it to the hard limit, as nginx's
// worker_rlimit_nofile does.
void raiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t soft = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    log::get("porticod")->warn("could not raise the open-file limit above {}", soft);
  }
}

// A listening socket handed over is served instead of binding the configured address.
void adoptListener(const upgrade::Handover& handover, const std::string& name,
                   http::ServerOptions& options) {
  auto it = handover.listeners.find(name);
  if (it == handover.listeners.end()) return;
  options.inheritedFd = it->second;
  log::get("porticod")
      ->info("{}: serving the listening socket handed over (descriptor {})", name, it->second);
}

}  // namespace

void PorticoApp::defineOptions(Poco::Util::OptionSet& options) {
  ServerApplication::defineOptions(options);
  options.addOption(Option("help", "h", "print this help and exit")
                        .callback(OptionCallback<PorticoApp>(this, &PorticoApp::onHelp)));
  options.addOption(Option("version", "v", "print the version and the plugin ABI, then exit")
                        .callback(OptionCallback<PorticoApp>(this, &PorticoApp::onVersion)));
  options.addOption(Option("config", "c",
                           "properties file (default: $PORTICO_CONFIG, else "
                           "conf/porticod.properties if present)")
                        .argument("FILE")
                        .callback(OptionCallback<PorticoApp>(this, &PorticoApp::onConfig)));
}

void PorticoApp::onHelp(const std::string&, const std::string&) {
  Poco::Util::HelpFormatter help(options());
  help.setCommand(commandName());
  help.setUsage("[--config FILE] [migrate status|up|down PLUGIN [VERSION]]");
  help.setHeader("porticod " PORTICO_VERSION
                 ": serves HTTP through hot-swappable plugins. Every config key can be overridden "
                 "from the environment: http.port <- PORTICO_HTTP_PORT.");
  help.format(std::cout);
  exitEarly_ = true;
  stopOptionsProcessing();
}

void PorticoApp::onVersion(const std::string&, const std::string&) {
  std::cout << "porticod " << common::describeBuild() << "\n";
  exitEarly_ = true;
  stopOptionsProcessing();
}

void PorticoApp::onConfig(const std::string&, const std::string& value) {
  configPath_ = value;
}

std::string PorticoApp::configFile() const {
  if (!configPath_.empty()) return configPath_;
  if (const char* env = std::getenv("PORTICO_CONFIG")) return env;
  if (Poco::File("conf/porticod.properties").exists()) return "conf/porticod.properties";
  return "";
}

int PorticoApp::main(const std::vector<std::string>& args) {
  if (exitEarly_) return EXIT_OK;
  try {
    std::string path = configFile();
    config::Config cfg = path.empty() ? config::Config() : config::Config::fromFile(path);
    Settings settings = Settings::read(cfg);
    log::setup(settings.log);
    log::get("porticod")
        ->info("porticod {} config {}", common::describeBuild(),
               path.empty() ? "(defaults)" : path);
    if (!args.empty()) return runCommand(args, settings);
    return serve(cfg, settings);
  } catch (const migrate::MigrationError& e) {
    std::cerr << "porticod: " << e.what() << "\n";
    return EXIT_DATAERR;
  } catch (const config::ConfigError& e) {
    std::cerr << "porticod: " << e.what() << "\n";
    return EXIT_CONFIG;
  } catch (const Poco::Exception& e) {
    std::cerr << "porticod: " << e.displayText() << "\n";
    return EXIT_SOFTWARE;
  } catch (const std::exception& e) {
    std::cerr << "porticod: " << e.what() << "\n";
    return EXIT_SOFTWARE;
  }
}

int PorticoApp::runCommand(const std::vector<std::string>& args, const Settings& settings) {
  if (args[0] != "migrate") {
    std::cerr << "porticod: unknown command '" << args[0] << "' (see --help)\n";
    return EXIT_USAGE;
  }
  metrics::Metrics metrics;
  resources::Resources resources(settings.resources, metrics);
  std::unique_ptr<migrate::Migrator> migrator;
  if (resources.postgres()) migrator = std::make_unique<migrate::Migrator>(*resources.postgres());
  return runMigrateCommand(args, migrator.get(), settings.plugins.migrationsDir,
                           settings.plugins.dir);
}

int PorticoApp::serve(const config::Config& cfg, Settings& settings) {
  auto logger = log::get("porticod");
  if (settings.adminEnabled && settings.adminToken.empty()) {
    logger->critical(
        "admin.token is empty: refusing to start the admin listener without a token. Set "
        "admin.token (or PORTICO_ADMIN_TOKEN), or admin.enabled=false");
    return EXIT_CONFIG;
  }
  warnAboutSecretsInFile(cfg);
  // Both decide what code runs in this process: neither may be another user's to write.
  for (const auto& [key, dir, create] :
       {std::tuple{"plugins.state_dir", settings.plugins.stateDir, true},
        std::tuple{"plugins.dir", settings.plugins.dir, false}}) {
    if (!create && !Poco::File(dir).exists()) continue;  // no plugins: nothing to trust
    if (std::string why = common::privateDirProblem(dir, create); !why.empty()) {
      logger->critical("refusing to start: {} = {} is not porticod's own: {}", key, dir, why);
      return EXIT_CONFIG;
    }
  }
  raiseOpenFileLimit();
  upgrade::Handover handover = upgrade::takeHandover();
  adoptListener(handover, "http", settings.http);
  adoptListener(handover, "admin", settings.admin);
  adoptListener(handover, "http-plain", settings.plain);

  metrics::Metrics metrics;
  metrics.registerGauge("portico_build_info",
                        "Always 1; the labels say which porticod this is (version, commit, abi).",
                        [] {
                          return std::vector<std::pair<metrics::Labels, double>>{
                              {{{"abi", common::buildAbi()},
                                {"commit", common::buildCommit()},
                                {"version", common::buildVersion()}},
                               1.0}};
                        });
  resources::Resources resources(settings.resources, metrics);
  resources.warmUp();
  std::unique_ptr<migrate::Migrator> migrator;
  if (resources.postgres()) {
    migrator = std::make_unique<migrate::Migrator>(*resources.postgres());
    migrator->up(migrate::hostMigrations());
  }
  // Before any plugin code runs: a fatal signal in it leaves a crash record, and the record of
  // the previous run's crash quarantines the version that crashed.
  crash::Quarantine quarantine(settings.plugins.stateDir);
  crash::installCrashHandler(quarantine.recordPath());
  if (auto crashed = quarantine.takeCrashRecord()) {
    logger->error("the last run died in plugin {} (sha256 {}): {}; that version is quarantined",
                  crashed->plugin, crashed->sha256, crashed->reason);
  }
  auth::AuthService auth(std::move(settings.keys), settings.auth, resources.redis(),
                         resources.postgres());
  // Before serving: a Redis that lost its data must not accept revoked tokens again. Should a
  // service be down now, the first check after it is back restores it.
  try {
    auth.restoreRevocations();
  } catch (const std::exception& e) {
    logger->warn("token denylist not checked at start: {}", e.what());
  }
  if (!auth.canSign()) {
    logger->warn(
        "auth.signing_key is not set: no tokens can be issued, and routes that need "
        "authentication answer 401");
  }
  metrics.registerCounter("portico_auth_total",
                          "Requests to routes that take a token, by what the host decided.",
                          [&auth] {
                            std::vector<std::pair<metrics::Labels, double>> out;
                            for (const auto& [result, n] : auth.outcomeCounts()) {
                              out.push_back({{{"result", result}}, static_cast<double>(n)});
                            }
                            return out;
                          });

  lifecycle::PublishedRoutes routes;
  Messaging messaging(settings.messaging, settings.resources.redis, resources, routes, auth,
                      metrics);
  abi::HostServices services;
  services.config = &cfg;
  services.defaultMaxBodyBytes = settings.maxBodyBytes;
  services.resources = &resources;
  services.events = messaging.events();
  services.jobs = messaging.jobs();
  services.auth = &auth;
  outbound::HttpClient outbound(settings.outbound, cfg, &metrics);
  services.outbound = &outbound;
  services.channels = messaging.channels();
  services.sessions = messaging.sessions();
  services.metrics = &metrics;
  lifecycle::PluginManager plugins(settings.plugins, services, routes, metrics, migrator.get(),
                                   &quarantine);

  // Fleet rollouts need Redis, which every porticod of a fleet shares.
  std::unique_ptr<fleet::RolloutStore> rolloutStore;
  std::unique_ptr<fleet::RolloutAgent> rolloutAgent;
  if (resources.redis() != nullptr) {
    rolloutStore =
        std::make_unique<fleet::RolloutStore>(*resources.redis(), settings.rollout.fleet);
    rolloutAgent =
        std::make_unique<fleet::RolloutAgent>(settings.rollout, *rolloutStore, plugins, metrics);
  }

  resources::Readiness readiness(resources);
  if (auto probe = messaging.jobsProbe()) readiness.add(std::move(probe));
  push::UserStreams userStreams(auth, resources, *messaging.channels(), *messaging.sessions(),
                                std::chrono::seconds(settings.pushTicketTtlS),
                                settings.streamBufferBytes);
  PublicHandler publicHandler(plugins, metrics, readiness, auth, settings.maxResponseBytes,
                              settings.trustedProxies, settings.requestDeadlineMs, settings.cors,
                              settings.openAiErrors, settings.streamBufferBytes, userStreams);
  AccessObserver observer(metrics, settings.accessLog);
  http::HttpServer publicServer(settings.http, publicHandler, &observer);
  http::HttpsRedirect toHttps(publicServer.port());
  std::unique_ptr<http::HttpServer> plainServer;
  if (settings.plain.port != 0) {
    http::Handler& plainHandler =
        settings.plainServes ? static_cast<http::Handler&>(publicHandler) : toHttps;
    plainServer = std::make_unique<http::HttpServer>(settings.plain, plainHandler, &observer);
  }
  std::unique_ptr<admin::AdminHandler> adminHandler;
  std::unique_ptr<http::HttpServer> adminServer;
  if (settings.adminEnabled) {
    adminHandler = std::make_unique<admin::AdminHandler>(
        plugins, auth, readiness, settings.adminToken, settings.maxUploadBytes, rolloutStore.get(),
        rolloutAgent.get());
    adminServer = std::make_unique<http::HttpServer>(settings.admin, *adminHandler, nullptr);
  }
  http::TlsListeners tlsListeners;
  tlsListeners.add("http", publicServer);
  if (adminServer) tlsListeners.add("admin", *adminServer);
  if (adminHandler) adminHandler->setTlsListeners(&tlsListeners);

  lifecycle::removeStaleUploads(plugins);
  plugins.loadAll();
  // Before serving: a host started during a rollout serves the rolled-out version from the start.
  if (rolloutAgent) rolloutAgent->start();
  messaging.start();
  std::unique_ptr<metrics::RouteStats> routeStats;
  if (messaging.events() != nullptr && settings.routeStatsIntervalS > 0) {
    routeStats = std::make_unique<metrics::RouteStats>(
        metrics, std::chrono::seconds(settings.routeStatsIntervalS),
        [events = messaging.events()](const std::string& payload) {
          events->publish(metrics::RouteStats::kTopic, payload);
        });
    routeStats->start();
  }
  std::unique_ptr<lifecycle::PluginWatcher> watcher;
  if (settings.plugins.watch) watcher = std::make_unique<lifecycle::PluginWatcher>(plugins);
  publicServer.start();
  if (plainServer) plainServer->start();
  if (adminServer) adminServer->start();
  readiness.setStarted(true);
  logger->info("ready: {} plugin(s) loaded", plugins.activeCount());
  upgrade::reportReady(handover.readyFd);

  upgrade::BinaryUpgrade binaryUpgrade({argv().begin() + 1, argv().end()});
  std::map<std::string, int> listeners{{"http", publicServer.listenerFd()}};
  if (adminServer) listeners["admin"] = adminServer->listenerFd();
  if (plainServer) listeners["http-plain"] = plainServer->listenerFd();
  for (int sig = waitForSignal(); sig == SIGUSR2 || sig == SIGHUP; sig = waitForSignal()) {
    if (sig == SIGUSR2) {
      binaryUpgrade.begin(listeners);
    } else {
      bool ok = false;
      tlsListeners.reload(&ok);
    }
  }

  logger->info("shutting down");
  readiness.setStarted(false);
  // Each step is timed: a slow stop then says which step waited (connections, jobs, drains).
  std::string steps;
  auto timed = [&steps](const char* name, auto&& step) {
    auto start = std::chrono::steady_clock::now();
    step();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    steps += (steps.empty() ? "" : ", ") + std::string(name) + " " + std::to_string(ms) + " ms";
  };
  watcher.reset();
  if (rolloutAgent) rolloutAgent->stop();
  timed("http", [&] {
    // Both drain at once; the second stop's drain window has mostly passed during the first.
    if (adminServer) adminServer->drain();
    if (plainServer) plainServer->drain();
    publicServer.drain();
    if (adminServer) adminServer->stop(settings.drainMs, settings.shutdownGraceMs);
    if (plainServer) plainServer->stop(settings.drainMs, settings.shutdownGraceMs);
    publicServer.stop(settings.drainMs, settings.shutdownGraceMs);
  });
  // The last interval's figures go out while the bus still runs; jobs in progress finish before
  // their plugins are drained.
  timed("messaging", [&] {
    if (routeStats) routeStats->stop();
    messaging.stop();
  });
  timed("plugins", [&] { plugins.shutdown(settings.plugins.drainTimeoutMs); });
  logger->info("stopped ({})", steps);
  return EXIT_OK;
}

}  // namespace portico::app
