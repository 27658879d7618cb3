#pragma once

#include <QDir>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

class QWidget;

namespace portico::ui {

class MainWindow;

// Walks the window through the states the README shows (keys page with the detail panel, Add to
// Group, Create Key, the one-time key display, groups, routes) and saves each as a PNG, then
// quits the application. Started by the app when PORTICO_SCREENSHOT_DIR is set
// (scripts/screenshots.sh), so the pictures come from the real app on real data.
// Widgets are found by object name; a missing one is reported and its picture skipped, so a
// renamed widget fails loudly instead of producing a misleading screenshot.
class ScreenshotWalker : public QObject {
    Q_OBJECT
public:
    ScreenshotWalker(MainWindow &window, const QString &outputDir, QObject *parent = nullptr);

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
    void save(const QString &fileName, QWidget *dialog = nullptr);
    void fail(const QString &what);

    MainWindow &m_window;
    QDir m_outputDir;
    QList<Step> m_steps;
    int m_failures = 0;
};

} // namespace portico::ui
