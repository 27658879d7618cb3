#include "ui/desktop/desktopsettings.h"

#include <QSettings>

namespace portico::ui {

namespace {
// Existing keys (mainWindow/*, keysPage/*, store/address, gateway/startOnSharedStore) stay as
// they are; these are added beside them.
const QString kListenHost = QStringLiteral("gateway/listenHost");
const QString kPort = QStringLiteral("gateway/port");
const QString kStartOnLaunch = QStringLiteral("gateway/startOnLaunch");
const QString kConfigPath = QStringLiteral("config/path");
const QString kCloseToTray = QStringLiteral("window/closeToTray");
const QString kLanguage = QStringLiteral("ui/language");
const QString kRetention = QStringLiteral("usage/retentionDays");
} // namespace

DesktopSettings DesktopSettings::load() {
    QSettings settings;
    DesktopSettings loaded;
    loaded.listenHost = settings.value(kListenHost, loaded.listenHost).toString();
    const int port = settings.value(kPort, int(loaded.port)).toInt();
    if (port > 0 && port <= 65535)
        loaded.port = quint16(port);
    loaded.configPath = settings.value(kConfigPath).toString();
    loaded.startGatewayOnLaunch = settings.value(kStartOnLaunch, true).toBool();
    if (settings.contains(kCloseToTray))
        loaded.closeToTray = settings.value(kCloseToTray).toBool();
    loaded.language = settings.value(kLanguage).toString();
    loaded.usageRetentionDays = qBound(0, settings.value(kRetention, 0).toInt(), kMaxRetentionDays);
    return loaded;
}

void DesktopSettings::save() const {
    QSettings settings;
    settings.setValue(kListenHost, listenHost);
    settings.setValue(kPort, int(port));
    settings.setValue(kConfigPath, configPath);
    settings.setValue(kStartOnLaunch, startGatewayOnLaunch);
    if (closeToTray)
        settings.setValue(kCloseToTray, *closeToTray);
    else
        settings.remove(kCloseToTray);
    settings.setValue(kLanguage, language);
    settings.setValue(kRetention, usageRetentionDays);
}

} // namespace portico::ui
