// SPDX-License-Identifier: Apache-2.0
#include "migrate/HostMigrations.h"

// Generated from migrations/host by the same script that embeds a plugin's migrations
// (PorticoEmbedMigrations.cmake), hence the plugin's name for it; hidden, as in a plugin.
extern "C" const portico_migration* portico_plugin_migrations(size_t* count);

namespace portico::migrate {

MigrationSet hostMigrations() {
  size_t count = 0;
  const portico_migration* list = portico_plugin_migrations(&count);
  MigrationSet set{"host", "porticod", {}};
  addMigrations(set, list, count);
  return set;
}

}  // namespace portico::migrate
