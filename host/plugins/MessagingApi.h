// The host's side of the 1.1 event and job calls of plugin.h.
#pragma once

#include "portico/plugin.h"

namespace portico::plugins {

// Fills the event_* and job_* members of `api`.
void fillMessagingApi(portico_host_api& api);

}  // namespace portico::plugins
