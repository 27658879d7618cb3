#pragma once

#include <QObject>
#include <QString>

#include <memory>

class QAction;
class QMenu;
class QSystemTrayIcon;
class QWidget;

namespace portico::ui {

// The tray icon and its menu: whether the gateway runs and where, Open, Pause/Resume Gateway and
// Quit; and what closing the window does. Whether a tray exists is given, not looked up
// (QSystemTrayIcon::isSystemTrayAvailable() in the app), so the menu and the close decision work,
// and are tested, where there is none: the menu is built either way and only the icon is missing.
class TrayController : public QObject {
    Q_OBJECT
public:
    explicit TrayController(bool trayAvailable, QObject *parent = nullptr);
    ~TrayController() override;

    bool isTrayAvailable() const { return m_trayAvailable; }
    // Null without a tray.
    QSystemTrayIcon *icon() const { return m_icon.get(); }
    QMenu *menu() const { return m_menu.get(); }
    QAction *statusAction() const { return m_status; }
    QAction *openAction() const { return m_open; }
    QAction *pauseAction() const { return m_pause; } // "Pause Gateway" or "Resume Gateway"
    QAction *quitAction() const { return m_quit; }

    // "Gateway running on 127.0.0.1:8000", "Gateway paused", "Gateway not running: <why>".
    QString statusText() const;

    // What closing `window` does: false, quit; true, hide it and keep the gateway running in the
    // tray. Without a tray, always quit. Otherwise the first close asks, and the answer is
    // remembered (DesktopSettings::closeToTray, also in the settings dialog).
    bool closeToTray(QWidget *window);

    // Says once per session, in a balloon, that the window went to the tray.
    void notifyHidden();

public Q_SLOTS:
    // As MainWindow::setGatewayStatus: listening and where, else why not (empty: paused).
    void setGatewayStatus(bool listening, const QString &address, const QString &error);
    void showGatewayStarting();

Q_SIGNALS:
    void openRequested();
    void pauseRequested();
    void resumeRequested();
    void quitRequested();

private:
    void update();

    bool m_trayAvailable = false;
    std::unique_ptr<QMenu> m_menu;
    std::unique_ptr<QSystemTrayIcon> m_icon;
    QAction *m_status = nullptr;
    QAction *m_open = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_quit = nullptr;
    bool m_listening = false;
    bool m_starting = false;
    bool m_notified = false;
    QString m_address;
    QString m_error;
};

} // namespace portico::ui
