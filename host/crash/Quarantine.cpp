// SPDX-License-Identifier: Apache-2.0
#include "crash/Quarantine.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/File.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "common/Names.h"

namespace portico::crash {
namespace {

// key=value lines; unknown keys are ignored.
std::map<std::string, std::string> readFields(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::string nowText() {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

}  // namespace

Quarantine::Quarantine(const std::string& stateDir)
    : quarantineDir_(stateDir + "/quarantine"),
      goodDir_(stateDir + "/last-good"),
      recordPath_(stateDir + "/crash-record") {
  Poco::File(quarantineDir_).createDirectories();
  Poco::File(goodDir_).createDirectories();
  std::vector<std::string> names;
  Poco::File(quarantineDir_).list(names);
  for (const auto& name : names) {
    auto f = readFields(quarantineDir_ + "/" + name);
    if (!common::isPluginName(name) || f["sha256"].empty()) continue;
    entries_.push_back({name, f["sha256"], f["reason"], f["since"]});
  }
}

std::optional<Quarantine::Entry> Quarantine::takeCrashRecord() {
  Poco::File record(recordPath_);
  if (!record.exists()) return std::nullopt;
  auto f = readFields(recordPath_);
  record.remove();
  if (!common::isPluginName(f["plugin"]) || f["sha256"].empty()) return std::nullopt;
  // A record without a request is one of a library being loaded (CrashHandler.cpp says the same).
  std::string during = f["request_id"].empty() ? f["method"] + " " + f["route"]
                                               : "serving " + f["method"] + " " + f["route"] +
                                                     " (request " + f["request_id"] + ")";
  Entry e{f["plugin"], f["sha256"],
          f["signal"] + " in generation " + f["generation"] + " while " + during, nowText()};
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& x) { return x.plugin == e.plugin; }),
                 entries_.end());
  entries_.push_back(e);
  write(e);
  return e;
}

void Quarantine::write(const Entry& e) {
  std::string path = quarantineDir_ + "/" + e.plugin;
  std::ofstream(path + ".tmp") << "sha256=" << e.sha256 << "\nreason=" << e.reason
                               << "\nsince=" << e.since << "\n";
  Poco::File(path + ".tmp").renameTo(path);
}

std::optional<Quarantine::Entry> Quarantine::find(const std::string& sha256) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& e : entries_) {
    if (e.sha256 == sha256) return e;
  }
  return std::nullopt;
}

std::vector<Quarantine::Entry> Quarantine::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

bool Quarantine::lift(const std::string& plugin) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.plugin == plugin; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  Poco::File(quarantineDir_ + "/" + plugin).remove();
  return true;
}

void Quarantine::keepGood(const std::string& plugin, const std::string& file,
                          const std::string& signature) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string target = goodDir_ + "/" + plugin + ".so";
  // Copied under a temporary name and renamed: a crash half-way leaves the old copy intact.
  // A crash between the two renames leaves a signature that does not match the copy: the copy
  // is then refused, never loaded unchecked.
  if (signature.empty()) {
    std::remove((target + ".sig").c_str());
  } else {
    std::ofstream(target + ".sig.tmp", std::ios::trunc) << signature;
    Poco::File(target + ".sig.tmp").renameTo(target + ".sig");
  }
  Poco::File(file).copyTo(target + ".tmp");
  Poco::File(target + ".tmp").renameTo(target);
}

std::optional<std::string> Quarantine::lastGood(const std::string& plugin) const {
  std::string path = goodDir_ + "/" + plugin + ".so";
  if (!Poco::File(path).exists()) return std::nullopt;
  return path;
}

}  // namespace portico::crash
