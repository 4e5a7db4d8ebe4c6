// porticod migrate status|up|down PLUGIN [VERSION]: the operator's handle on migrations.
#pragma once

#include <string>
#include <vector>

namespace portico::migrate {
class Migrator;
}

namespace portico::app {

// args: {"migrate", verb, owner, [version]}. Prints to stdout/stderr; returns an exit code.
int runMigrateCommand(const std::vector<std::string>& args, migrate::Migrator* migrator);

}  // namespace portico::app
