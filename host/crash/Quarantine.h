/* SPDX-License-Identifier: Apache-2.0 */
// Plugin versions that crashed the process, kept out across restarts, and the last version of
// each plugin that served without crashing, kept to fall back on. Files in the state dir:
//   <state>/crash-record            written by the crash handler, turned into a quarantine entry
//                                   at the next start
//   <state>/quarantine/<plugin>     sha256=, reason=, since= lines: that version is not loaded
//                                   until an operator lifts it
//   <state>/last-good/<plugin>.so   the newest version that served and was then replaced or
//                                   stopped cleanly
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace portico::crash {

class Quarantine {
 public:
  explicit Quarantine(const std::string& stateDir);

  const std::string& recordPath() const { return recordPath_; }

  struct Entry {
    std::string plugin;
    std::string sha256;
    std::string reason;
    std::string since;  // UTC, ISO 8601
  };
  // Turns a crash record left by the previous run into a quarantine entry; returns it.
  std::optional<Entry> takeCrashRecord();
  std::optional<Entry> find(const std::string& sha256) const;
  std::vector<Entry> entries() const;
  // Lets the plugin's quarantined version load again; false when none was quarantined.
  bool lift(const std::string& plugin);

  // Keeps a copy of a version that served without crashing (`file` is its private copy), with
  // the signature document it was loaded with (empty: unsigned) beside it as <copy>.sig.
  void keepGood(const std::string& plugin, const std::string& file, const std::string& signature);
  // The kept copy of the plugin's last good version, if any.
  std::optional<std::string> lastGood(const std::string& plugin) const;

 private:
  void write(const Entry& e);

  std::string quarantineDir_;
  std::string goodDir_;
  std::string recordPath_;
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace portico::crash
