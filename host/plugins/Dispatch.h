// Events and jobs handed to the plugin generations of a published table.
#pragma once

#include <string>
#include <string_view>

#include "jobs/JobQueue.h"
#include "plugins/PluginManager.h"

namespace portico::plugins {

// '*' matches any run of characters, '?' exactly one; everything else itself.
bool topicMatches(std::string_view pattern, std::string_view topic);

// Calls every subscription whose pattern matches; failures are logged, never redelivered.
void deliverEvent(const RouteTable& table, const std::string& topic, const std::string& payload);

// Runs one job on the generation handling `queue`.
jobs::Outcome runJob(const RouteTable& table, const std::string& queue, const std::string& id,
                     const std::string& payload, int attempt, std::string* error);

}  // namespace portico::plugins
