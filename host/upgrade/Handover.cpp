// SPDX-License-Identifier: Apache-2.0
#include "upgrade/Handover.h"

#include <Poco/NumberParser.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace portico::upgrade {

namespace {

constexpr int kSystemdFirstFd = 3;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

int toNumber(const std::string& text, const char* variable) {
  int n = -1;
  if (!Poco::NumberParser::tryParse(text, n) || n < 0) {
    throw std::runtime_error(std::string(variable) + ": '" + text +
                             "' is not a descriptor count or number");
  }
  return n;
}

int closeOnExec(int fd) {
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  return fd;
}

std::string takeVariable(const char* name) {
  const char* value = std::getenv(name);
  std::string text = value != nullptr ? value : "";
  ::unsetenv(name);
  return text;
}

}  // namespace

Handover takeHandover() {
  Handover handover;
  std::string ready = takeVariable(kReadyFdVariable);
  if (!ready.empty()) handover.readyFd = closeOnExec(toNumber(ready, kReadyFdVariable));
  auto& listeners = handover.listeners;
  for (const auto& entry : split(takeVariable(kListenFdsVariable), ',')) {
    auto colon = entry.find(':');
    if (colon == std::string::npos) continue;
    listeners[entry.substr(0, colon)] =
        closeOnExec(toNumber(entry.substr(colon + 1), kListenFdsVariable));
  }
  std::string count = takeVariable("LISTEN_FDS");
  std::string pid = takeVariable("LISTEN_PID");
  auto names = split(takeVariable("LISTEN_FDNAMES"), ':');
  if (count.empty() || pid != std::to_string(::getpid())) return handover;
  int n = toNumber(count, "LISTEN_FDS");
  for (int i = 0; i < n; ++i) {
    std::string name = i < static_cast<int>(names.size()) && !names[i].empty()
                           ? names[i]
                           : (i == 0   ? "http"
                              : i == 1 ? "admin"
                                       : "unnamed" + std::to_string(i));
    listeners[name] = closeOnExec(kSystemdFirstFd + i);
  }
  return handover;
}

std::string describeListeners(const std::map<std::string, int>& listeners) {
  std::string text;
  for (const auto& [name, fd] : listeners) {
    text += (text.empty() ? "" : ",") + name + ":" + std::to_string(fd);
  }
  return text;
}

}  // namespace portico::upgrade
