#include "app/MigrateCommand.h"

#include <Poco/Util/Application.h>

#include <iostream>

#include "migrate/Migrator.h"

namespace portico::app {

using Poco::Util::Application;

int runMigrateCommand(const std::vector<std::string>& args, migrate::Migrator* migrator) {
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
    if (verb == "status") {
      for (const auto& m : migrator->status(owner)) {
        std::cout << m.version << "\t" << m.name << "\t"
                  << (m.applied ? "applied " + m.appliedAt : "pending") << "\n";
      }
    } else if (verb == "up") {
      std::cout << "applied " << migrator->up(owner) << " migration(s) of " << owner << "\n";
    } else if (verb == "down") {
      std::cout << "reverted " << migrator->down(owner, version) << " migration(s) of " << owner
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
