// SPDX-License-Identifier: Apache-2.0
#include "crash/CrashHandler.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cstdint>
#include <string_view>

#include "crash/CallSite.h"

namespace portico::crash {
namespace {

char gRecordPath[4096];

// Text built without allocation or locks (nothing but stack and write(2) in a signal handler).
class Text {
 public:
  template <typename... Parts>
  void add(const Parts&... parts) {
    (put(parts), ...);
  }
  void line(std::string_view key, std::string_view value) {
    add(key, "=", value);
    newline();
  }
  void newline() {
    if (len_ + 1 < sizeof buf_) buf_[len_++] = '\n';
  }
  void writeTo(int fd) const {
    size_t done = 0;
    while (done < len_) {
      ssize_t n = ::write(fd, buf_ + done, len_ - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

 private:
  void put(std::string_view s) {
    for (char c : s) {
      if (len_ + 1 >= sizeof buf_) return;
      buf_[len_++] = (c == '\n' || c == '\r') ? ' ' : c;
    }
  }
  void put(uint64_t n) {
    char digits[24];
    int i = 0;
    do {
      digits[i++] = static_cast<char>('0' + n % 10);
      n /= 10;
    } while (n > 0);
    while (i > 0 && len_ + 1 < sizeof buf_) buf_[len_++] = digits[--i];
  }
  char buf_[2048];
  size_t len_ = 0;
};

std::string_view signalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    default:
      return "signal";
  }
}

void onFatalSignal(int sig) {
  int savedErrno = errno;
  if (const CallSite* site = CallSite::current()) {
    Text say;
    say.add("porticod: fatal ", signalName(sig), " in plugin '", site->plugin, "' generation ",
            site->generation, " (sha256 ", site->sha256, ") while ");
    // A call site without a request is the loading of a library (PluginManager::load).
    if (site->requestId.empty()) {
      say.add(site->method, " ", site->target);
    } else {
      say.add("serving ", site->method, " ", site->target, " request ", site->requestId);
    }
    say.add("; it is quarantined at the next start");
    say.newline();
    say.writeTo(STDERR_FILENO);

    Text record;
    record.line("plugin", site->plugin);
    record.add("generation=", site->generation);
    record.newline();
    record.line("sha256", site->sha256);
    record.line("signal", signalName(sig));
    record.line("method", site->method);
    record.line("route", site->target);
    record.line("request_id", site->requestId);
    int fd = ::open(gRecordPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      record.writeTo(fd);
      ::fsync(fd);
      ::close(fd);
    }
  }
  errno = savedErrno;
  // Die of the same signal with the default action, as without this handler.
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

}  // namespace

void installCrashHandler(const std::string& recordPath) {
  ::strncpy(gRecordPath, recordPath.c_str(), sizeof gRecordPath - 1);
  struct sigaction action;
  ::memset(&action, 0, sizeof action);
  action.sa_handler = onFatalSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) ::sigaction(sig, &action, nullptr);
}

}  // namespace portico::crash
