// portico-screenshots: starts exactly as the desktop app (same options, store, config and embedded
// gateway), then walks the window through the documented states and saves them into
// PORTICO_SCREENSHOT_DIR. See scripts/screenshots.sh.
#include "desktopapp.h"
#include "screenshotwalker.h"

#include "ui/mainwindow.h"

#include <cstdio>

int main(int argc, char *argv[]) {
    using namespace portico;

    const QString outputDir = qEnvironmentVariable("PORTICO_SCREENSHOT_DIR");
    if (outputDir.isEmpty()) {
        std::fputs("portico-screenshots: set PORTICO_SCREENSHOT_DIR to the folder for the "
                   "pictures (scripts/screenshots.sh does)\n",
                   stderr);
        return 2;
    }
    return app::runDesktopApp(argc, argv, [&outputDir](ui::MainWindow &window) {
        // The window owns the walk: it ends with the window, after quitting the event loop.
        auto *walker = new screenshots::ScreenshotWalker(window, outputDir, &window);
        walker->start();
    });
}
