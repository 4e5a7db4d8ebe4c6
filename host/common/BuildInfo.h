// SPDX-License-Identifier: Apache-2.0
// What this build is, for porticod --version, porticoctl --version, /health and the
// portico_build_info gauge: the project's version (set once, in the top CMakeLists.txt's
// project()), the git commit it was built from (cmake/BuildCommit.cmake) and the build type.
#pragma once

#include <string>

namespace portico::common {

const char* buildVersion();
const char* buildCommit();  // "unknown" outside a git checkout; "-dirty" with local changes
const char* buildType();
// The plugin ABI this host speaks, "major.minor".
std::string buildAbi();
// "0.1.0 (commit 1a2b3c4d5e6f, RelWithDebInfo, plugin ABI 1.7)".
std::string describeBuild();

}  // namespace portico::common
