#pragma once

#include "ui/desktop/settingsdialog.h"

#include <QObject>
#include <QString>

namespace portico::ui {
class MainWindow;
class TrayController;
} // namespace portico::ui

namespace portico::app {

class EmbeddedGateway;

// Ties the window, the embedded gateway and the tray together for one store (one pass of
// runDesktopApp): the tray shows the gateway's state and its menu opens the window, pauses or
// resumes the gateway and quits; closing the window goes to the tray when the tray decides so;
// File → Settings… opens the settings dialog and applies what it returns.
class DesktopController : public QObject {
    Q_OBJECT
public:
    DesktopController(ui::MainWindow &window, EmbeddedGateway &gateway, ui::TrayController &tray,
                      QString storeAddress, QString configPath, QObject *parent = nullptr);

    // What the settings dialog starts from: the saved settings, with where the gateway listens,
    // the store and the config actually in use.
    ui::SettingsDialog::Values currentValues() const;
    // Opens the dialog (modal) and applies it when confirmed.
    void openSettings();
    // Saves `chosen` and applies what changed since `before`: start at login, the gateway's
    // address, port and retention (restarting it if it listens); a new store or config file is
    // asked for with storeChangeRequested() / configChangeRequested(). Returns a message for a
    // part that could not be applied, else "".
    QString applySettings(const ui::SettingsDialog::Values &before,
                          const ui::SettingsDialog::Values &chosen);

Q_SIGNALS:
    void storeChangeRequested(const QString &address);
    void configChangeRequested(const QString &path);
    // The tray's Quit: the window is closed for good; the app ends its event loop.
    void quitRequested();

private:
    ui::MainWindow &m_window;
    EmbeddedGateway &m_gateway;
    ui::TrayController &m_tray;
    QString m_storeAddress;
    QString m_configPath;
};

} // namespace portico::app
