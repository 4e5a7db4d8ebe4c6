/* SPDX-License-Identifier: Apache-2.0 */
// A fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) while a thread runs plugin code
// writes, async-signal-safely, one line to stderr and a crash record naming the plugin,
// generation, sha256, route and request; then the process dies of the same signal as it would
// have (a core dump stays possible). The next start reads the record (Quarantine.h).
#pragma once

#include <string>

namespace portico::crash {

// Installs the handlers; `recordPath` is where a crash record is written. Call once, early.
void installCrashHandler(const std::string& recordPath);

}  // namespace portico::crash
