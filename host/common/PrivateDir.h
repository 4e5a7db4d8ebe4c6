/* SPDX-License-Identifier: Apache-2.0 */
// Whether a directory porticod loads code or state from is porticod's alone. What is in
// plugins.dir is executed, and what is in plugins.state_dir (crash records, the quarantine, the
// last good copies) decides what is executed next: a local user who could write either, or
// replace the directory itself, would run code inside porticod.
#pragma once

#include <string>

namespace portico::common {

// "" when `path` is a directory owned by this process's user (or root) that nobody else may
// write, and every directory above it is owned by one of those two and writable by nobody else
// (or sticky, as /tmp is, so that others cannot rename what is ours); otherwise which directory
// fails and why. With `create`, a missing `path` is made first (mode 0700).
std::string privateDirProblem(const std::string& path, bool create);

}  // namespace portico::common
