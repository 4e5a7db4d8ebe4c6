/* SPDX-License-Identifier: Apache-2.0 */
// spdlog set-up shared by the host and every plugin logger: one sink, one format, and the id of
// the request being served on this thread in every line.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace portico::log {

struct Options {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  bool json = false;           // one JSON object per line instead of text
};

// Installs the sink and format. Call once at start-up, before other threads log.
void setup(const Options& options);

// The named logger, created on first use with the shared sink and format.
std::shared_ptr<spdlog::logger> get(const std::string& name);

// Tags every line logged by this thread with `id` while the scope lives. One per request.
class RequestScope {
 public:
  explicit RequestScope(std::string_view id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string_view previous_;
};

}  // namespace portico::log
