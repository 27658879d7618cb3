#pragma once

#include <QString>

#include <optional>

namespace portico::ui {

// The desktop app's own settings, kept in QSettings (never a secret), read and written here only
// so the dialog, the tray and the start-up agree on the keys. What the command line or the
// environment gives (--listen, --config, PORTICO_LISTEN, PORTICO_CONFIG) wins over these.
struct DesktopSettings {
    // Where the embedded gateway listens.
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 port = 8000;
    // config.yaml chosen in the settings; empty: the usual lookup (app/common/startup.h).
    QString configPath;
    bool startGatewayOnLaunch = true;
    // What closing the window does when a tray exists: keep running in the tray (true) or quit
    // (false). Unset until the first close asks, once.
    std::optional<bool> closeToTray;
    // "en", "it", …: a shipped translation; empty: the system's language.
    QString language;
    // Raw usage rows older than this are deleted by the embedded gateway when config.yaml keeps
    // them for ever (usage.raw_retention_days unset or 0); config.yaml's value, when set, wins,
    // since the command line and a headless gateway on the same store read only that. 0: kept.
    int usageRetentionDays = 0;

    static DesktopSettings load();
    void save() const;

    static constexpr int kMaxRetentionDays = 36500; // as config.yaml allows

    bool operator==(const DesktopSettings &) const = default;
};

} // namespace portico::ui
