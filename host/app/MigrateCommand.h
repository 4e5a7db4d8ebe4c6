/* SPDX-License-Identifier: Apache-2.0 */
// porticod migrate status|up|down PLUGIN [VERSION]: the operator's handle on migrations.
#pragma once

#include <string>
#include <vector>

namespace portico::migrate {
class Migrator;
}

namespace portico::app {

// args: {"migrate", verb, owner, [version]}. Prints to stdout/stderr; returns an exit code.
// Plugin migrations come from the library in pluginsDir that declares the name (ABI 1.3), else
// from migrationsDir.
int runMigrateCommand(const std::vector<std::string>& args, migrate::Migrator* migrator,
                      const std::string& migrationsDir, const std::string& pluginsDir);

}  // namespace portico::app
