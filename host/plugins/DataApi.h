// The host's side of the 1.1 data calls (PostgreSQL and Redis sessions) of plugin.h.
#pragma once

#include "portico/plugin.h"

namespace portico::plugins {

// Fills the db_* and redis_* members of `api`.
void fillDataApi(portico_host_api& api);

}  // namespace portico::plugins
