/* SPDX-License-Identifier: Apache-2.0 */
// Runs porticod as a real process for a test: its own temp dir, plugin dir, config file and
// loopback ports; stopped (by its PID, SIGTERM then SIGKILL) when the object goes away.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace e2e {

// Paths of build outputs, passed in by CMake.
std::string porticodBinary();
std::string pluginPath(const std::string& file);   // <build>/plugins/<file>
std::string fixturePath(const std::string& file);  // <build>/fixtures/<file>

uint16_t freePort();

class Porticod;
// porticoctl ARGS against the instance's admin API: exit code and output (stdout and stderr).
std::pair<int, std::string> porticoctl(const Porticod& p, const std::string& args);
// The version of the hello plugin serving GET /hello/x; "" when it does not answer 200.
std::string helloVersion(const Porticod& p);

class Porticod {
 public:
  struct Options {
    // Files copied into the plugin dir before start: {source path, name in the dir}.
    std::vector<std::pair<std::string, std::string>> plugins;
    std::map<std::string, std::string> config;  // added to / overriding the defaults
    std::map<std::string, std::string> env;     // extra environment
    bool waitUntilReady = true;
  };

  explicit Porticod(Options options);
  // Runs `binary` instead of the build's porticod.
  Porticod(Options options, std::string binary);
  ~Porticod();
  Porticod(const Porticod&) = delete;
  Porticod& operator=(const Porticod&) = delete;

  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  uint16_t adminPort() const { return adminPort_; }
  const std::string& token() const { return token_; }
  const std::string& pluginDir() const { return pluginDir_; }
  const std::string& dir() const { return dir_; }
  std::string configPath() const { return dir_ + "/porticod.properties"; }
  std::string logs() const;

  // Waits for the process to exit on its own; returns its exit status or -1 on timeout.
  int waitExit(int timeoutMs);
  // Sends SIGTERM and waits; returns the exit status (or -1 if it had to be killed).
  int stop();
  // SIGKILL: no drain, no goodbye.
  void kill9();
  // Starts porticod again in the same dir and on the same ports (plugin dir and state kept),
  // once the previous process has ended (it is stopped first if it has not).
  void relaunch(const Options& options);

  // Binary upgrade: SIGUSR2, then follows the successor porticod starts. True once the old
  // process has exited and pid() is the successor's (this test process adopts it as a
  // subreaper); false when porticod reports the successor failed, the old one still serving.
  bool upgrade(int timeoutMs);

  // Resident set size in kB and open descriptors, from /proc.
  long rssKb() const;
  int openFds() const;

 private:
  // Writes the config, spawns porticod and (if asked) waits until /ready answers 200; throws
  // with the log if it exits or never gets ready.
  void launch(const Options& options);

  bool exited_ = false;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  uint16_t adminPort_ = 0;
  std::string token_ = "test-admin-token";
  std::string dir_;
  std::string binary_;  // "" = the build's porticod
  std::string pluginDir_;
};

}  // namespace e2e
