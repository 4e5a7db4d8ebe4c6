#include "plugins/Dispatch.h"

#include "log/Logging.h"
#include "plugins/AbiGlue.h"
#include "plugins/PluginCall.h"

namespace portico::plugins {
bool topicMatches(std::string_view pattern, std::string_view topic) {
  // Iterative glob with backtracking to the last '*': linear for the patterns we accept.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < topic.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == topic[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

void deliverEvent(const RouteTable& table, const std::string& topic, const std::string& payload) {
  for (const auto& target : table.subscriptions) {
    if (!topicMatches(target.spec->pattern, topic)) continue;
    CallOutcome out = callPlugin(
        *target.generation, "EVENT", target.spec->pattern, topic, [&](portico_error* err) {
          return target.spec->handler(target.spec->data, ps(topic), ps(payload), err);
        });
    if (out.status != PORTICO_OK) {
      log::get("plugin." + target.generation->name())
          ->warn("event handler for {} failed on {}: {}", target.spec->pattern, topic, out.message);
    }
  }
}

jobs::Outcome runJob(const RouteTable& table, const std::string& queue, const std::string& id,
                     const std::string& payload, int attempt, std::string* error) {
  auto it = table.jobHandlers.find(queue);
  if (it == table.jobHandlers.end()) return jobs::Outcome::NoHandler;
  const auto& target = it->second;
  CallOutcome out = callPlugin(*target.generation, "JOB", queue, id, [&](portico_error* err) {
    return target.spec->handler(target.spec->data, ps(id), ps(payload),
                                static_cast<uint32_t>(attempt), err);
  });
  if (out.status == PORTICO_OK) return jobs::Outcome::Done;
  *error = "status " + std::to_string(out.status) + ": " + out.message;
  return jobs::Outcome::Failed;
}

}  // namespace portico::plugins
