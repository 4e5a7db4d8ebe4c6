/* SPDX-License-Identifier: Apache-2.0 */
// The host's own schema (migrations/host/), compiled into porticod at build time, so that the
// binary and the tables it expects always come together, wherever porticod is started from.
#pragma once

#include "migrate/MigrationSet.h"

namespace portico::migrate {

MigrationSet hostMigrations();

}  // namespace portico::migrate
