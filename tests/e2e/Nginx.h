/* SPDX-License-Identifier: Apache-2.0 */
// A real nginx (Debian's) in front of porticod processes on loopback, running packaging/nginx.conf
// with the test's ports. Started in its own temp dir, stopped by its PID when the object goes
// away.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace e2e {

class Nginx {
 public:
  explicit Nginx(const std::vector<uint16_t>& upstreamPorts);
  ~Nginx();
  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;

  uint16_t port() const { return port_; }
  std::string errorLog() const;

 private:
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::string dir_;
};

}  // namespace e2e
