#include "desktopcontroller.h"

#include "embeddedgateway.h"
#include "ui/desktop/autostart.h"
#include "ui/desktop/traycontroller.h"
#include "ui/mainwindow.h"
#include "ui/messagebox.h"

#include <QStatusBar>

namespace portico::app {

DesktopController::DesktopController(ui::MainWindow &window, EmbeddedGateway &gateway,
                                     ui::TrayController &tray, QString storeAddress,
                                     QString configPath, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_gateway(gateway)
    , m_tray(tray)
    , m_storeAddress(std::move(storeAddress))
    , m_configPath(std::move(configPath)) {
    m_tray.setGatewayStatus(m_gateway.isListening(), m_gateway.listenAddress(),
                            m_gateway.errorString());
    connect(&m_gateway, &EmbeddedGateway::statusChanged, &m_tray,
            &ui::TrayController::setGatewayStatus);
    // The window's own Start Gateway shows "starting" in the tray too.
    connect(&m_window, &ui::MainWindow::startGatewayRequested, &m_tray,
            &ui::TrayController::showGatewayStarting);
    connect(&m_tray, &ui::TrayController::openRequested, &m_window, &ui::MainWindow::showAndRaise);
    connect(&m_tray, &ui::TrayController::pauseRequested, &m_gateway, &EmbeddedGateway::stop);
    connect(&m_tray, &ui::TrayController::resumeRequested, &m_window, [this] {
        m_window.showGatewayStarting();
        m_gateway.start();
    });
    connect(&m_tray, &ui::TrayController::quitRequested, &m_window, [this] {
        m_window.closeForGood();
        Q_EMIT quitRequested();
    });
    m_window.setHideOnClose([this] {
        if (!m_tray.closeToTray(&m_window))
            return false;
        m_tray.notifyHidden();
        return true;
    });
    connect(&m_window, &ui::MainWindow::settingsRequested, this, &DesktopController::openSettings);
}

ui::SettingsDialog::Values DesktopController::currentValues() const {
    ui::SettingsDialog::Values values;
    values.settings = ui::DesktopSettings::load();
    values.settings.listenHost = m_gateway.options().address.toString();
    values.settings.port = m_gateway.options().port;
    values.settings.configPath = m_configPath;
    values.storeAddress = m_storeAddress;
    values.autostart = ui::autostart::isEnabled();
    return values;
}

void DesktopController::openSettings() {
    const ui::SettingsDialog::Values before = currentValues();
    const auto &options = m_gateway.options();
    ui::SettingsDialog dialog(before, m_tray.isTrayAvailable(), options.address.toString(),
                              m_gateway.isListening() ? options.port : quint16(0), &m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const QString problem = applySettings(before, dialog.values()); !problem.isEmpty())
        ui::MessageBox::warning(&m_window, tr("Settings"), problem);
}

QString DesktopController::applySettings(const ui::SettingsDialog::Values &before,
                                         const ui::SettingsDialog::Values &chosen) {
    chosen.settings.save();
    QString problem;
    if (chosen.autostart != before.autostart)
        ui::autostart::setEnabled(chosen.autostart, &problem);
    const ui::DesktopSettings &now = chosen.settings;
    m_gateway.reconfigure(QHostAddress(now.listenHost), now.port, now.usageRetentionDays);
    if (now.language != before.settings.language)
        m_window.statusBar()->showMessage(tr("The new language shows after Portico restarts."),
                                          10000);
    // Last: either ends this window (the app reopens on the new store or config).
    if (chosen.storeAddress != before.storeAddress)
        Q_EMIT storeChangeRequested(chosen.storeAddress);
    else if (now.configPath != before.settings.configPath)
        Q_EMIT configChangeRequested(now.configPath);
    return problem;
}

} // namespace portico::app
