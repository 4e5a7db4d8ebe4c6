// The host's side of the 1.2 authentication calls of plugin.h.
#pragma once

#include "portico/plugin.h"

namespace portico::plugins {

// Fills request_principal, request_client_ip and the token_* / subject_revoke members of `api`.
void fillAuthApi(portico_host_api& api);

}  // namespace portico::plugins
