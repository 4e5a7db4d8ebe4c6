/* SPDX-License-Identifier: Apache-2.0 */
// What a plugin generation reaches through its portico_host_ctx: the host's services, built once
// at start-up and shared by every generation. A service that is not configured stays null and
// its calls answer PORTICO_ERR_UNAVAILABLE.
#pragma once

#include <cstdint>

namespace portico::config {
class Config;
}
namespace portico::resources {
class Resources;
}
namespace portico::bus {
class EventBus;
}
namespace portico::jobs {
class JobQueue;
}
namespace portico::auth {
class AuthService;
}
namespace portico::outbound {
class HttpClient;
}
namespace portico::push {
class ChannelHub;
class SessionStreams;
}  // namespace portico::push
namespace portico::metrics {
class Metrics;
}

namespace portico::abi {

struct HostServices {
  const config::Config* config = nullptr;     // plugin.<name>.* answers config_get
  uint64_t defaultMaxBodyBytes = 1 << 20;     // http.max_body_bytes, for routes that set none
  resources::Resources* resources = nullptr;  // PostgreSQL and Redis pools
  bus::EventBus* events = nullptr;            // needs Redis
  jobs::JobQueue* jobs = nullptr;             // needs Redis
  auth::AuthService* auth = nullptr;          // token signing and revocation
  outbound::HttpClient* outbound = nullptr;   // plugins' outbound HTTP
  push::ChannelHub* channels = nullptr;       // push channels; publishing needs Redis
  push::SessionStreams* sessions = nullptr;   // closes streams whose session is revoked
  metrics::Metrics* metrics = nullptr;        // plugins' own counters (metric_count)
};

}  // namespace portico::abi
