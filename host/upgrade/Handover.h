/* SPDX-License-Identifier: Apache-2.0 */
// Listening sockets this process was handed instead of binding its own: by systemd's socket
// activation (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES) or by the porticod it succeeds in a binary
// upgrade (PORTICO_LISTEN_FDS="http:5,admin:6"). A listener keeps its queue across the hand-over,
// so a client connecting meanwhile waits instead of being refused.
#pragma once

#include <map>
#include <string>

namespace portico::upgrade {

inline constexpr const char* kListenFdsVariable = "PORTICO_LISTEN_FDS";
inline constexpr const char* kReadyFdVariable = "PORTICO_UPGRADE_READY_FD";

// What a process was handed at start. Descriptors are marked close-on-exec.
struct Handover {
  std::map<std::string, int> listeners;  // "http", "admin" -> listening socket
  // Set in the successor of a binary upgrade: reportReady() writes to it (BinaryUpgrade.h).
  int readyFd = -1;
};

// Reads and removes the variables (so that nothing this process starts believes it was handed
// them too); call it before anything could start a process. systemd sockets without names are
// "http" then "admin", in order.
Handover takeHandover();

// "http:5,admin:6", as takeHandover() reads it back.
std::string describeListeners(const std::map<std::string, int>& listeners);

}  // namespace portico::upgrade
