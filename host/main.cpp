// SPDX-License-Identifier: Apache-2.0
#include "app/PorticoApp.h"
#include "app/Signals.h"

int main(int argc, char** argv) {
  portico::app::blockProcessSignals();
  portico::app::PorticoApp app;
  return app.run(argc, argv);
}
