/* SPDX-License-Identifier: Apache-2.0 */
// Whether a file is an ELF shared object this process could map, decided from its headers before
// anything maps it: the dynamic loader trusts those headers, and a file cut short (a partial
// upload, a copy that ran out of disk) makes it touch pages past the end of the file, which kills
// the whole process with SIGBUS inside dlopen.
#pragma once

#include <string>

namespace portico::lifecycle {

// "" when `path` is a shared object for this machine whose headers and loadable segments all lie
// inside the file; otherwise why not, in words an operator can act on ("not an ELF file (it
// starts with \"hello\")", "built for aarch64, this host runs x86-64", "truncated: ...").
std::string elfProblem(const std::string& path);

}  // namespace portico::lifecycle
