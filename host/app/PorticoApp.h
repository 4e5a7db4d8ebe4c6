// porticod: reads the config, loads the plugins, serves the public and admin listeners until
// SIGTERM/SIGINT, then drains everything.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <string>

namespace portico::app {

class PorticoApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  int main(const std::vector<std::string>& args) override;

 private:
  void onHelp(const std::string& name, const std::string& value);
  void onVersion(const std::string& name, const std::string& value);
  void onConfig(const std::string& name, const std::string& value);

  bool exitEarly_ = false;
  std::string configPath_;
};

}  // namespace portico::app
