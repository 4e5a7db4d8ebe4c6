/* SPDX-License-Identifier: Apache-2.0 */
// porticod takes its signals in one place: SIGTERM, SIGINT and SIGQUIT stop it, SIGUSR2 upgrades
// its binary (upgrade/BinaryUpgrade.h), SIGHUP reloads the TLS certificates. They are blocked
// before any thread starts, so every thread inherits the mask and none is interrupted; the main
// thread waits for them.
#pragma once

namespace portico::app {

void blockProcessSignals();

// The next of those signals to arrive.
int waitForSignal();

}  // namespace portico::app
