// SPDX-License-Identifier: Apache-2.0
#include "common/BuildInfo.h"

#include "portico/plugin.h"

namespace portico::common {

const char* buildVersion() {
  return PORTICO_VERSION;
}

const char* buildType() {
  return PORTICO_BUILD_TYPE;
}

std::string buildAbi() {
  return std::to_string(PORTICO_ABI_MAJOR) + "." + std::to_string(PORTICO_ABI_MINOR);
}

std::string describeBuild() {
  return std::string(buildVersion()) + " (commit " + buildCommit() + ", " + buildType() +
         ", plugin ABI " + buildAbi() + ")";
}

}  // namespace portico::common
