#pragma once

#include <functional>

namespace portico::ui {
class MainWindow;
}

namespace portico::app {

// The desktop app from start to end: the command line, the store, config.yaml, the embedded
// gateway and the window, then the event loop. Returns the exit status.
// `shown`, when given, is called with the window once it is shown and before the event loop
// runs: portico-screenshots (tools/screenshots) starts its walk there, so its pictures come from
// exactly this start-up.
int runDesktopApp(int &argc, char **argv,
                  const std::function<void(ui::MainWindow &)> &shown = nullptr);

} // namespace portico::app
