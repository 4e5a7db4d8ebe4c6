// SPDX-License-Identifier: Apache-2.0
#include "Nginx.h"

#include <Poco/File.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

#include "Http.h"
#include "Porticod.h"

extern char** environ;

namespace e2e {

namespace {

bool accepts(uint16_t port) {
  try {
    Poco::Net::StreamSocket s;
    s.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 200000));
    return true;
  } catch (const Poco::Exception&) {
    return false;
  }
}

// packaging/nginx.conf as shipped, but listening on `port` and with one upstream server line
// (its parameters kept) per test host.
std::string renderPorticoConf(const std::vector<uint16_t>& upstreamPorts, uint16_t port) {
  std::string shipped = readFile(std::string(PACKAGING_DIR) + "/nginx.conf");
  static const std::regex server(R"((\n *)server 127\.0\.0\.1:[0-9]+( [^;]*)?;)");
  std::smatch first;
  if (!std::regex_search(shipped, first, server)) {
    throw std::runtime_error("packaging/nginx.conf has no upstream server line");
  }
  std::string servers;
  for (uint16_t p : upstreamPorts) {
    servers += first[1].str() + "server 127.0.0.1:" + std::to_string(p) + first[2].str() + ";";
  }
  std::string rendered = std::regex_replace(shipped, server, "");
  rendered.insert(static_cast<size_t>(first.position(0)), servers);
  static const std::regex listen(R"(listen 80;)");
  return std::regex_replace(rendered, listen, "listen 127.0.0.1:" + std::to_string(port) + ";");
}

}  // namespace

Nginx::Nginx(const std::vector<uint16_t>& upstreamPorts) {
  char tmpl[] = "/tmp/portico-nginx-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  port_ = freePort();
  std::ofstream(dir_ + "/portico.conf") << renderPorticoConf(upstreamPorts, port_);
  // One process (no master): its PID is the one we spawned. Temp paths inside our dir.
  std::ofstream(dir_ + "/nginx.conf")
      << "daemon off;\nmaster_process off;\nworker_processes 1;\n"
      << "error_log " << dir_ << "/error.log info;\npid " << dir_ << "/nginx.pid;\n"
      << "events { worker_connections 1024; }\nhttp {\n"
      << "  access_log off;\n"
      << "  client_body_temp_path " << dir_ << "/body;\n  proxy_temp_path " << dir_ << "/proxy;\n"
      << "  fastcgi_temp_path " << dir_ << "/fcgi;\n  uwsgi_temp_path " << dir_ << "/uwsgi;\n"
      << "  scgi_temp_path " << dir_ << "/scgi;\n"
      << "  include " << dir_ << "/portico.conf;\n}\n";
  std::string conf = dir_ + "/nginx.conf";
  std::vector<std::string> args = {"/usr/sbin/nginx",  "-p", dir_, "-c", conf, "-e",
                                   dir_ + "/error.log"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start /usr/sbin/nginx (Debian package nginx-light)");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port_)) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited at start:\n" + errorLog());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("nginx did not listen within 10 s:\n" + errorLog());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Nginx::~Nginx() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  Poco::File(dir_).remove(true);
}

std::string Nginx::errorLog() const {
  return readFile(dir_ + "/error.log");
}

}  // namespace e2e
