/* SPDX-License-Identifier: Apache-2.0 */
// porticod: reads the config, loads the plugins, serves the public and admin listeners until
// SIGTERM/SIGINT, then drains everything.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace portico::config {
class Config;
}

namespace portico::app {

struct Settings;

class PorticoApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  int main(const std::vector<std::string>& args) override;

 private:
  void onHelp(const std::string& name, const std::string& value);
  void onVersion(const std::string& name, const std::string& value);
  void onConfig(const std::string& name, const std::string& value);

  // --config, else $PORTICO_CONFIG, else conf/porticod.properties if present, else "" (defaults).
  std::string configFile() const;
  // porticod migrate ...
  int runCommand(const std::vector<std::string>& args, const Settings& settings);
  // Builds the host, serves until SIGTERM/SIGINT, stops it step by step.
  // Takes the keys out of settings.
  int serve(const config::Config& cfg, Settings& settings);

  bool exitEarly_ = false;
  std::string configPath_;
};

}  // namespace portico::app
