// portico: the desktop admin app, with the gateway of `portico-gateway serve` embedded on its own
// threads. Uses the same store and config as the command line, so both see the same keys.
#include "common/startup.h"
#include "desktopapp.h"

int main(int argc, char *argv[]) {
    portico::app::protectProcess();
    return portico::app::runDesktopApp(argc, argv);
}
