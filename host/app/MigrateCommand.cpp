// SPDX-License-Identifier: Apache-2.0
#include "app/MigrateCommand.h"

#include <Poco/Util/Application.h>

#include <Poco/DirectoryIterator.h>

#include <iostream>

#include "lifecycle/PluginFile.h"
#include "migrate/HostMigrations.h"
#include "migrate/Migrator.h"

namespace portico::app {

using Poco::Util::Application;

namespace {

// The host's own migrations are compiled in; a plugin's come from the library in pluginsDir that
// declares its name (a library that carries none falls back to migrationsDir).
migrate::MigrationSet migrationsOf(const std::string& owner, const std::string& migrationsDir,
                                   const std::string& pluginsDir) {
  if (owner == "host") return migrate::hostMigrations();
  Poco::File dir(pluginsDir);
  if (dir.exists() && dir.isDirectory()) {
    for (Poco::DirectoryIterator it(pluginsDir), end; it != end; ++it) {
      if (it.path().getExtension() != "so") continue;
      std::string why;
      auto file = lifecycle::PluginFile::open(it.path().toString(), &why);
      if (!file || file->name() != owner) continue;
      return file->migrations(migrationsDir);
    }
  }
  return migrate::loadMigrations(migrationsDir, owner);
}

}  // namespace

int runMigrateCommand(const std::vector<std::string>& args, migrate::Migrator* migrator,
                      const std::string& migrationsDir, const std::string& pluginsDir) {
  const char* usage = "usage: porticod [--config FILE] migrate status|up|down PLUGIN [VERSION]\n";
  if (args.size() < 3 || args.size() > 4) {
    std::cerr << usage;
    return Application::EXIT_USAGE;
  }
  if (migrator == nullptr) {
    std::cerr << "porticod migrate: database.url is not set\n";
    return Application::EXIT_CONFIG;
  }
  const std::string& verb = args[1];
  const std::string& owner = args[2];
  int version = -1;
  if (args.size() == 4) {
    try {
      version = std::stoi(args[3]);
    } catch (const std::exception&) {
      std::cerr << "porticod migrate: VERSION must be a number, not '" << args[3] << "'\n";
      return Application::EXIT_USAGE;
    }
  }
  try {
    migrate::MigrationSet set = migrationsOf(owner, migrationsDir, pluginsDir);
    if (verb == "status") {
      for (const auto& m : migrator->status(set)) {
        std::cout << m.version << "\t" << m.name << "\t"
                  << (m.applied ? "applied " + m.appliedAt : "pending") << "\n";
      }
    } else if (verb == "up") {
      std::cout << "applied " << migrator->up(set) << " migration(s) of " << owner << "\n";
    } else if (verb == "down") {
      std::cout << "reverted " << migrator->down(set, version) << " migration(s) of " << owner
                << "\n";
    } else {
      std::cerr << usage;
      return Application::EXIT_USAGE;
    }
  } catch (const std::exception& e) {
    std::cerr << "porticod migrate: " << e.what() << "\n";
    return Application::EXIT_DATAERR;
  }
  return Application::EXIT_OK;
}

}  // namespace portico::app
