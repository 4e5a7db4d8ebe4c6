// SPDX-License-Identifier: Apache-2.0
#include "fleet/RolloutStore.h"

#include <algorithm>

#include "common/UnixTime.h"
#include "resources/redis/RedisReply.h"

namespace portico::fleet {

namespace {

// Compare-and-set on the rollout's id and state, in one step on the server.
constexpr const char* kTransitionScript = R"(
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'error', ARGV[4])
return 1)";

constexpr const char* kCanaryUntilScript = R"(
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'canary_until_ms', ARGV[2])
return 1)";

int64_t toInt(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

json::Value reportJson(const std::string& host, const HostReport& r) {
  return json::object({{"host", host},
                       {"rollout", r.rollout},
                       {"state", r.state},
                       {"sha256", r.sha256},
                       {"version", r.version},
                       {"generation", r.generation},
                       {"error", r.error},
                       {"at_ms", r.atMs}});
}

std::optional<HostReport> parseReport(const std::string& text) {
  try {
    auto doc = json::parse(text);
    HostReport r;
    r.rollout = doc.at("rollout").as_int();
    r.state = doc.at("state").as_string();
    r.sha256 = doc.at("sha256").as_string();
    r.version = doc.at("version").as_string();
    r.generation = static_cast<uint64_t>(doc.at("generation").as_int());
    r.error = doc.at("error").as_string();
    r.atMs = doc.at("at_ms").as_int();
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // written by another version of porticod: shown as absent
  }
}

}  // namespace

Rollout RolloutStore::publish(const std::string& name, const std::string& bytes,
                              const std::string& sha256, const std::string& version,
                              const std::string& signature, const std::string& canary) {
  Rollout r;
  r.name = name;
  r.sha256 = sha256;
  r.version = version;
  r.signature = signature;
  r.state = "canary";
  r.canary = canary;
  r.startedMs = common::unixMs();
  redis_.withConnection([&](resources::RedisConnection& c) {
    r.id = toInt(resources::replyText(c.command({"INCR", key(name) + ":seq"})));
    // The bytes first: a host that reads the new rollout finds its file (and checks its digest
    // against the rollout's, in case a newer one replaced the file meanwhile).
    auto replies = c.pipeline({{"SET", key(name) + ":file", bytes},
                               {"DEL", key(name)},
                               {"HSET",
                                key(name),
                                "id",
                                std::to_string(r.id),
                                "sha256",
                                sha256,
                                "version",
                                version,
                                "signature",
                                signature,
                                "state",
                                r.state,
                                "canary",
                                canary,
                                "canary_until_ms",
                                "0",
                                "error",
                                "",
                                "started_ms",
                                std::to_string(r.startedMs)},
                               {"SADD", names_, name}});
    for (const auto& reply : replies) resources::throwIfError(reply, "rollout publish");
  });
  return r;
}

std::vector<std::string> RolloutStore::names() {
  auto reply = redis_.withConnection([this](resources::RedisConnection& c) {
    return c.command({"SMEMBERS", names_});
  });
  std::vector<std::string> out;
  for (const auto& e : resources::replyElements(reply)) out.push_back(resources::replyText(e));
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Rollout> RolloutStore::get(const std::string& name) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"HGETALL", key(name)});
  });
  auto fields = resources::replyElements(reply);
  if (fields.empty()) return std::nullopt;
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    f[resources::replyText(fields[i])] = resources::replyText(fields[i + 1]);
  }
  Rollout r;
  r.name = name;
  r.id = toInt(f["id"]);
  r.sha256 = f["sha256"];
  r.version = f["version"];
  r.signature = f["signature"];
  r.state = f["state"];
  r.canary = f["canary"];
  r.canaryUntilMs = toInt(f["canary_until_ms"]);
  r.error = f["error"];
  r.startedMs = toInt(f["started_ms"]);
  return r;
}

std::string RolloutStore::file(const std::string& name) {
  return resources::replyText(redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"GET", key(name) + ":file"});
  }));
}

bool RolloutStore::transition(const std::string& name, int64_t id, const std::string& from,
                              const std::string& to, const std::string& error) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command(
        {"EVAL", kTransitionScript, "1", key(name), std::to_string(id), from, to, error});
  });
  resources::throwIfError(reply, "rollout transition");
  return resources::replyText(reply) == "1";
}

void RolloutStore::setCanaryUntil(const std::string& name, int64_t id, int64_t untilMs) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command(
        {"EVAL", kCanaryUntilScript, "1", key(name), std::to_string(id), std::to_string(untilMs)});
  });
  resources::throwIfError(reply, "rollout canary deadline");
}

void RolloutStore::report(const std::string& name, const std::string& host,
                          const HostReport& report) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"HSET", key(name) + ":hosts", host, reportJson(host, report).dump()});
  });
  resources::throwIfError(reply, "rollout report");
}

std::optional<HostReport> RolloutStore::reportOf(const std::string& name, const std::string& host) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"HGET", key(name) + ":hosts", host});
  });
  if (resources::replyIsNil(reply)) return std::nullopt;
  return parseReport(resources::replyText(reply));
}

std::map<std::string, HostReport> RolloutStore::reports(const std::string& name) {
  auto reply = redis_.withConnection([&](resources::RedisConnection& c) {
    return c.command({"HGETALL", key(name) + ":hosts"});
  });
  auto fields = resources::replyElements(reply);
  std::map<std::string, HostReport> out;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (auto r = parseReport(resources::replyText(fields[i + 1]))) {
      out[resources::replyText(fields[i])] = *r;
    }
  }
  return out;
}

json::Value RolloutStore::describe(const Rollout& r) {
  json::Array hosts;
  for (const auto& [host, report] : reports(r.name)) hosts.push_back(reportJson(host, report));
  return json::object({{"name", r.name},
                       {"id", r.id},
                       {"state", r.state},
                       {"sha256", r.sha256},
                       {"version", r.version},
                       {"signed", !r.signature.empty()},
                       {"canary", r.canary},
                       {"canary_until_ms", r.canaryUntilMs},
                       {"error", r.error},
                       {"started_ms", r.startedMs},
                       {"hosts", json::Value(std::move(hosts))}});
}

}  // namespace portico::fleet
