#pragma once

#include <QDir>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QWidget;

namespace portico::ui {
class BackgroundLoadedWidget;
class KeyDetailPanel;
class LogsPage;
class MainWindow;
} // namespace portico::ui

namespace portico::screenshots {

// Walks the window through the states the README shows (keys page with the detail panel, the
// detail panel's limits in use, Rotate Secret, Add to Group, Create Key, the one-time key display,
// groups, routes, dashboard, usage with one key's requests, logs, the audit trail, the settings
// dialog and the tray's menu) and saves each
// as a PNG, then quits the application. Started by portico-screenshots (scripts/screenshots.sh),
// which is the desktop app with this walk added, so the pictures come from the real app on real
// data. When PORTICO_SCREENSHOT_TRAFFIC names a file, the walk waits for it to appear: the script
// writes there how many requests it sent through the embedded gateway once they are answered, and
// the monitoring pictures are taken only when the pages count at least that many. Widgets are found
// by object name; a missing one is reported and its picture skipped, so a renamed widget fails
// loudly instead of producing a misleading screenshot.
class ScreenshotWalker : public QObject {
    Q_OBJECT
public:
    ScreenshotWalker(ui::MainWindow &window, const QString &outputDir, QObject *parent = nullptr);

    // Begins once the event loop runs; quits the application with 0 when every picture was
    // saved, 1 otherwise.
    void start();

private:
    using Step = std::function<void()>;
    void next();
    // Runs `then` once a visible top-level widget named `objectName` exists (or gives up).
    void whenVisible(const QString &objectName, std::function<void(QWidget *)> then,
                     int triesLeft = 50);
    QWidget *findVisible(const QString &objectName) const;
    void waitForTraffic(int triesLeft);
    // Runs `then` once `ready` holds, calling `reload` between checks (the monitoring pages read
    // in worker threads, and usage rows reach the store a moment after the answer); gives up
    // after about 30 seconds, failing with `what`.
    void whenReady(std::function<bool()> ready, std::function<void()> reload,
                   std::function<void()> then, const QString &what, int triesLeft = 120);
    // Saves `fileName` and goes on once `widget` has loaded figures for which `enough` holds,
    // refreshing it while they fall short (or once it is gone); fails with `what` otherwise.
    void saveWhenLoaded(ui::BackgroundLoadedWidget *widget, std::function<bool()> enough,
                        const QString &fileName, const QString &what);
    // The window, with `overlay` (a dialog or tooltip) painted where it sits, the window dimmed
    // behind it when `dim`.
    void save(const QString &fileName, QWidget *overlay = nullptr, bool dim = true);
    // `widget` alone (the tray's menu).
    void saveWidget(const QString &fileName, QWidget *widget);
    // The key detail panel alone, widened, from its top to the bottom of the section named
    // `lastSection`, whole even where it would scroll.
    void savePanel(const QString &fileName, ui::KeyDetailPanel *panel, const QString &lastSection);
    // Shows the message of the newest visible 401 or 403 as its tooltip, as a pointer resting
    // on it would.
    void hoverNewestRefusal(ui::LogsPage &logs);
    // The one-time key dialog closed as a user would (copied, then Done), then the next step.
    void copyAndClose(QWidget *oneTimeKeyDialog);
    void fail(const QString &what);
    // PORTICO_SCREENSHOT_WALK=firstrun: on an empty store, the welcome, its first key and the
    // answer to its test request.
    QList<Step> firstRunSteps();

    ui::MainWindow &m_window;
    QDir m_outputDir;
    QList<Step> m_steps;
    int m_failures = 0;
    qint64 m_expectedRequests = 0; // sent by the script; 0 when it sent none
};

} // namespace portico::screenshots
