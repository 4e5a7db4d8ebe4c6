/* SPDX-License-Identifier: Apache-2.0 */
// Replacing the porticod binary on a running host without refusing a connection, the way nginx
// does it: on SIGUSR2 the running process starts the binary now at its own path with the same
// arguments and hands it the listening sockets (InheritedListeners.h). The successor loads its
// plugins and serves from the same queues; once it says it is ready, this process drains and
// exits as on SIGTERM. A successor that dies or fails before ready changes nothing here.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace portico::upgrade {

class BinaryUpgrade {
 public:
  // `args`: this process's arguments after the program name. The path is resolved now: the
  // file found there at upgrade time is what starts.
  explicit BinaryUpgrade(std::vector<std::string> args);
  ~BinaryUpgrade();
  BinaryUpgrade(const BinaryUpgrade&) = delete;
  BinaryUpgrade& operator=(const BinaryUpgrade&) = delete;

  // Starts the successor with `listeners` (name -> descriptor). When it reports ready, SIGTERM
  // is raised in this process. Logs and returns false if one is under way or it cannot start.
  bool begin(const std::map<std::string, int>& listeners);

 private:
  void await(int readyFd, pid_t child);

  std::string exe_;
  std::vector<std::string> args_;
  std::atomic<bool> busy_{false};
  std::thread watcher_;
};

// In the successor: tells the process that started it that this one serves now, through
// Handover::readyFd, which it closes and sets to -1. A no-op at -1 (not started by an upgrade).
void reportReady(int& fd);

}  // namespace portico::upgrade
