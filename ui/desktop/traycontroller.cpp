#include "ui/desktop/traycontroller.h"

#include "ui/desktop/desktopsettings.h"
#include "ui/messagebox.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QMenu>
#include <QStyle>
#include <QSystemTrayIcon>

namespace portico::ui {

TrayController::TrayController(bool trayAvailable, QObject *parent)
    : QObject(parent)
    , m_trayAvailable(trayAvailable)
    , m_menu(std::make_unique<QMenu>()) {
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    // The first line says how the gateway is; it is not something to click.
    m_status = m_menu->addAction(QString());
    m_status->setObjectName(QStringLiteral("trayStatusAction"));
    m_status->setEnabled(false);
    m_menu->addSeparator();
    m_open = m_menu->addAction(tr("&Open Portico"), this, &TrayController::openRequested);
    m_open->setObjectName(QStringLiteral("trayOpenAction"));
    m_pause = m_menu->addAction(QString(), this, [this] {
        if (m_listening) {
            Q_EMIT pauseRequested();
        } else {
            showGatewayStarting();
            Q_EMIT resumeRequested();
        }
    });
    m_pause->setObjectName(QStringLiteral("trayPauseAction"));
    m_menu->addSeparator();
    m_quit = m_menu->addAction(tr("&Quit Portico"), this, &TrayController::quitRequested);
    m_quit->setObjectName(QStringLiteral("trayQuitAction"));

    if (m_trayAvailable) {
        QIcon icon = QIcon::fromTheme(QStringLiteral("portico"), QApplication::windowIcon());
        if (icon.isNull())
            icon = QApplication::style()->standardIcon(QStyle::SP_ComputerIcon);
        m_icon = std::make_unique<QSystemTrayIcon>(icon);
        m_icon->setContextMenu(m_menu.get());
        // A click on the icon itself opens the window, as the first menu entry does.
        connect(m_icon.get(), &QSystemTrayIcon::activated, this,
                [this](QSystemTrayIcon::ActivationReason reason) {
                    if (reason == QSystemTrayIcon::Trigger ||
                        reason == QSystemTrayIcon::DoubleClick)
                        Q_EMIT openRequested();
                });
        m_icon->show();
    }
    update();
}

TrayController::~TrayController() = default;

QString TrayController::statusText() const {
    if (m_starting)
        return tr("Gateway starting…");
    if (m_listening)
        return tr("Gateway running on %1").arg(m_address);
    if (!m_error.isEmpty())
        return tr("Gateway not running: %1").arg(m_error);
    return tr("Gateway paused");
}

void TrayController::setGatewayStatus(bool listening, const QString &address,
                                      const QString &error) {
    m_starting = false;
    m_listening = listening;
    m_address = address;
    m_error = error;
    update();
}

void TrayController::showGatewayStarting() {
    m_starting = true;
    update();
}

void TrayController::update() {
    const QString status = statusText();
    // A long reason stays in the tooltip; the menu shows its start.
    m_status->setText(status.size() > 80 ? status.left(79) + u'…' : status);
    m_status->setToolTip(status);
    m_pause->setText(m_listening ? tr("&Pause Gateway") : tr("&Resume Gateway"));
    m_pause->setEnabled(!m_starting);
    if (m_icon)
        m_icon->setToolTip(tr("Portico: %1").arg(status));
}

bool TrayController::closeToTray(QWidget *window) {
    if (!m_trayAvailable)
        return false;
    DesktopSettings settings = DesktopSettings::load();
    if (!settings.closeToTray) {
        const auto answer = MessageBox::question(
            window, tr("Keep the Gateway Running?"),
            tr("Keep the gateway running in the tray when the window closes?"),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes,
            tr("Programs that use Portico keep working; Quit in the tray menu ends it. You can "
               "change this in Settings."));
        settings.closeToTray = answer == QMessageBox::Yes;
        settings.save();
    }
    return *settings.closeToTray;
}

void TrayController::notifyHidden() {
    if (!m_icon || m_notified)
        return;
    m_notified = true;
    m_icon->showMessage(tr("Portico"),
                        tr("Portico keeps running in the tray. %1").arg(statusText()),
                        QSystemTrayIcon::Information, 5000);
}

} // namespace portico::ui
