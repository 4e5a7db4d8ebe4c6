// SPDX-License-Identifier: Apache-2.0
#include "upgrade/BinaryUpgrade.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "log/Logging.h"
#include "upgrade/Handover.h"

extern char** environ;

namespace portico::upgrade {

namespace {

// argv / envp for exec: the strings' own buffers, then a null.
std::vector<char*> pointersTo(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

void setInherited(int fd, bool inherited) {
  ::fcntl(fd, F_SETFD, inherited ? 0 : FD_CLOEXEC);
}

}  // namespace

BinaryUpgrade::BinaryUpgrade(std::vector<std::string> args) : args_(std::move(args)) {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n > 0) exe_.assign(path, static_cast<size_t>(n));
}

BinaryUpgrade::~BinaryUpgrade() {
  if (watcher_.joinable()) watcher_.join();
}

bool BinaryUpgrade::begin(const std::map<std::string, int>& listeners) {
  auto logger = log::get("upgrade");
  // systemd takes the exit of its main process for the end of the service and would stop the
  // successor with it; there porticod.socket and `systemctl restart` are the gapless way.
  if (std::getenv("INVOCATION_ID") != nullptr) {
    logger->warn(
        "SIGUSR2 ignored: under systemd, upgrade with `systemctl restart porticod` and "
        "porticod.socket");
    return false;
  }
  if (busy_.exchange(true)) {
    logger->warn("SIGUSR2 ignored: a binary upgrade is already under way");
    return false;
  }
  if (watcher_.joinable()) watcher_.join();
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) {
    logger->error("binary upgrade: pipe: {}", std::strerror(errno));
    busy_ = false;
    return false;
  }
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    if (entry.rfind(kListenFdsVariable, 0) == 0 || entry.rfind(kReadyFdVariable, 0) == 0) {
      continue;
    }
    env.push_back(std::move(entry));
  }
  env.push_back(std::string(kListenFdsVariable) + "=" + describeListeners(listeners));
  env.push_back(std::string(kReadyFdVariable) + "=" + std::to_string(ready[1]));
  std::vector<char*> envp = pointersTo(env);
  std::vector<std::string> argStrings{exe_};
  argStrings.insert(argStrings.end(), args_.begin(), args_.end());
  std::vector<char*> argv = pointersTo(argStrings);

  // The successor starts with no signal blocked: this process blocks the stop signals in every
  // thread to take them in one place, and a mask survives exec.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  for (const auto& entry : listeners) setInherited(entry.second, true);
  setInherited(ready[1], true);
  pid_t child = -1;
  int error = ::posix_spawn(&child, exe_.c_str(), nullptr, &attributes, argv.data(), envp.data());
  for (const auto& entry : listeners) setInherited(entry.second, false);
  posix_spawnattr_destroy(&attributes);
  ::close(ready[1]);
  if (error != 0) {
    logger->error("binary upgrade: cannot start {}: {}", exe_, std::strerror(error));
    ::close(ready[0]);
    busy_ = false;
    return false;
  }
  logger->info("binary upgrade: started {} as pid {}; serving until it is ready", exe_, child);
  watcher_ = std::thread([this, fd = ready[0], child] { await(fd, child); });
  return true;
}

void BinaryUpgrade::await(int readyFd, pid_t child) {
  auto logger = log::get("upgrade");
  char byte = 0;
  ssize_t n = 0;
  do {
    n = ::read(readyFd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  ::close(readyFd);
  if (n == 1) {
    logger->info("binary upgrade: pid {} is ready; this process drains and exits", child);
    ::kill(::getpid(), SIGTERM);
    return;
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  logger->error("binary upgrade: pid {} ended before it was ready ({}); still serving", child,
                WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                  : "signal " + std::to_string(WTERMSIG(status)));
  busy_ = false;
}

void reportReady(int& fd) {
  if (fd < 0) return;
  char byte = 1;
  ssize_t n = 0;
  do {
    n = ::write(fd, &byte, 1);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  fd = -1;
}

}  // namespace portico::upgrade
