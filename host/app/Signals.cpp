// SPDX-License-Identifier: Apache-2.0
#include "app/Signals.h"

#include <signal.h>

#include <initializer_list>

namespace portico::app {

namespace {

sigset_t processSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGQUIT, SIGUSR2, SIGHUP}) sigaddset(&set, sig);
  return set;
}

}  // namespace

void blockProcessSignals() {
  sigset_t set = processSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int waitForSignal() {
  sigset_t set = processSignals();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace portico::app
