#include "plugins/Dispatch.h"

#include "log/Logging.h"
#include "plugins/AbiGlue.h"

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
    Generation::Call call(*target.generation);
    RequestLeaseScope leases(target.generation->leases());
    ErrorBuffer e;
    if (target.spec->handler(target.spec->data, ps(topic), ps(payload), &e.err) != PORTICO_OK) {
      log::get("plugin." + target.generation->name())
          ->warn("event handler for {} failed on {}: {}", target.spec->pattern, topic, e.message());
    }
  }
}

jobs::Outcome runJob(const RouteTable& table, const std::string& queue, const std::string& id,
                     const std::string& payload, int attempt, std::string* error) {
  auto it = table.jobHandlers.find(queue);
  if (it == table.jobHandlers.end()) return jobs::Outcome::NoHandler;
  const auto& target = it->second;
  Generation::Call call(*target.generation);
  RequestLeaseScope leases(target.generation->leases());
  ErrorBuffer e;
  portico_status s = target.spec->handler(target.spec->data, ps(id), ps(payload),
                                          static_cast<uint32_t>(attempt), &e.err);
  if (s == PORTICO_OK) return jobs::Outcome::Done;
  *error = "status " + std::to_string(s) + ": " + e.message();
  return jobs::Outcome::Failed;
}

}  // namespace portico::plugins
