// SPDX-License-Identifier: Apache-2.0
#include "Porticod.h"

#include <Poco/File.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "Http.h"

extern char** environ;

namespace e2e {

std::string porticodBinary() {
  return PORTICOD_BINARY;
}
std::string pluginPath(const std::string& file) {
  return std::string(BUILD_DIR "/plugins/") + file;
}
std::string fixturePath(const std::string& file) {
  return std::string(BUILD_DIR "/fixtures/") + file;
}

uint16_t freePort() {
  // The kernel may hand a just-released port out again; two hosts of one test (started at once)
  // must not be given the same one.
  static std::mutex mutex;
  static std::set<uint16_t> given;
  std::lock_guard<std::mutex> lock(mutex);
  for (;;) {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    if (given.insert(s.address().port()).second) return s.address().port();
  }
}

std::pair<int, std::string> porticoctl(const Porticod& p, const std::string& args) {
  return runCommand("PORTICO_ADMIN_URL=http://127.0.0.1:" + std::to_string(p.adminPort()) +
                    " PORTICO_ADMIN_TOKEN=" + p.token() + " " PORTICOCTL_BINARY " " + args +
                    " 2>&1");
}

std::string helloVersion(const Porticod& p) {
  auto r = get(p.port(), "/hello/x");
  return r.status == 200 ? r.json().at("plugin_version").as_string() : "";
}

Porticod::Porticod(Options options) : Porticod(std::move(options), "") {}

Porticod::Porticod(Options options, std::string binary) : binary_(std::move(binary)) {
  char tmpl[] = "/tmp/portico-e2e-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  pluginDir_ = dir_ + "/plugins";
  Poco::File(pluginDir_).createDirectories();
  for (const auto& [from, name] : options.plugins) Poco::File(from).copyTo(pluginDir_ + "/" + name);

  // Another process (a test running beside this one) may take a port between freePort() and
  // porticod's bind; porticod then refuses to start, and a second pair of ports is tried.
  for (int attempt = 1;; ++attempt) {
    try {
      launch(options);
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 3 || logs().find("Address already in use") == std::string::npos) throw;
      Poco::File(dir_ + "/porticod.log").remove();
      port_ = adminPort_ = 0;
    }
  }
}

void Porticod::launch(const Options& options) {
  exited_ = false;
  // A relaunch keeps its ports: a proxy in front knows the host by them.
  if (port_ == 0) port_ = freePort();
  if (adminPort_ == 0) adminPort_ = freePort();
  std::map<std::string, std::string> cfg = {
      {"http.host", "127.0.0.1"},
      {"http.port", std::to_string(port_)},
      {"admin.host", "127.0.0.1"},
      {"admin.port", std::to_string(adminPort_)},
      {"admin.token", token_},
      {"plugins.dir", pluginDir_},
      {"plugins.state_dir", dir_ + "/state"},
      {"plugins.drain_timeout_ms", "10000"},
      {"http.drain_ms", "200"},
      {"log.access", "false"},
  };
  // The suite's PostgreSQL and Redis (started by packaging/dev), when there are any.
  for (const auto& [key, env] :
       {std::pair<const char*, const char*>{"database.url", "PORTICO_DATABASE_URL"},
        {"redis.url", "PORTICO_REDIS_URL"}}) {
    if (const char* value = std::getenv(env)) cfg[key] = value;
  }
  for (const auto& [k, v] : options.config) cfg[k] = v;
  std::string configPath = dir_ + "/porticod.properties";
  {
    std::ofstream out(configPath);
    for (const auto& [k, v] : cfg) out << k << " = " << v << "\n";
  }

  std::vector<std::string> envStrings;
  for (char** e = environ; *e; ++e) {
    // Not the suite's settings, nor a systemd service's identity (porticod behaves differently
    // under systemd) when the suite itself runs in one.
    std::string entry = *e;
    if (entry.rfind("PORTICO_", 0) != 0 && entry.rfind("INVOCATION_ID=", 0) != 0) {
      envStrings.push_back(std::move(entry));
    }
  }
  for (const auto& [k, v] : options.env) envStrings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : envStrings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string binary = binary_.empty() ? porticodBinary() : binary_;
  std::string configArg = "--config=" + configPath;
  std::vector<char*> argv = {binary.data(), configArg.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  std::string logPath = dir_ + "/porticod.log";
  posix_spawn_file_actions_addopen(&actions, 1, logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot spawn " + binary);

  if (!options.waitUntilReady) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      throw std::runtime_error("porticod exited during start-up:\n" + logs());
    }
    try {
      if (get(port_, "/ready").status == 200) return;
    } catch (const std::exception&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("porticod did not become ready in 20 s:\n" + logs());
}

void Porticod::relaunch(const Options& options) {
  stop();
  launch(options);
}

Porticod::~Porticod() {
  int status = stop();
  // A porticod that died (a sanitizer report, say) or a failed test: its log is the evidence.
  if (status > 0 || ::testing::Test::HasFailure()) {
    std::cerr << "---- porticod log (" << dir_ << ", exit status " << status << ") ----\n"
              << logs() << "---- end of porticod log ----\n";
  }
  Poco::File(dir_).remove(true);
}

std::string Porticod::logs() const {
  std::ifstream in(dir_ + "/porticod.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int Porticod::waitExit(int timeoutMs) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  while (!exited_) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

int Porticod::stop() {
  if (exited_ || pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = waitExit(30000);
  if (status == -1 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    exited_ = true;
  }
  return status;
}

bool Porticod::upgrade(int timeoutMs) {
  // The successor is the old process's child; once that exits it would be handed to init.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  size_t logStart = logs().size();
  kill(pid_, SIGUSR2);
  static const std::regex started("binary upgrade: started .* as pid ([0-9]+)");
  static const std::regex failed("binary upgrade: pid [0-9]+ ended before it was ready");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  pid_t successor = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string recent = logs().substr(logStart);
    std::smatch m;
    if (std::regex_search(recent, failed)) return false;
    if (successor < 0 && std::regex_search(recent, m, started)) successor = std::stoi(m[1]);
    if (successor > 0) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = successor;
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void Porticod::kill9() {
  if (exited_ || pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  exited_ = true;
}

long Porticod::rssKb() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int Porticod::openFds() const {
  std::vector<std::string> entries;
  Poco::File("/proc/" + std::to_string(pid_) + "/fd").list(entries);
  return static_cast<int>(entries.size());
}

}  // namespace e2e
