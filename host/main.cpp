#include "app/PorticoApp.h"

int main(int argc, char** argv) {
  portico::app::PorticoApp app;
  return app.run(argc, argv);
}
