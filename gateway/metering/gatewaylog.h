#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace portico::metering {

// One line of the gateway's structured log. Never holds a key: `keyName` is the key's name when
// it was recognised, else its hint ("ptc_…AbCd") when the format was valid, else empty.
struct LogEntry {
    enum class Level { Debug, Info, Warning, Error };
    QDateTime time; // UTC
    Level level = Level::Info;
    QString requestId;
    QString keyName;
    QString route;
    int status = 0;  // HTTP status, 0 for entries not about a request
    QString event;   // machine-readable: "request", "auth_failed", "access_denied",
                     // "upstream_error", "config_reloaded", "config_rejected", "started", ...
    QString message; // for a person: why (unknown key, disabled key, bad checksum, ...)
};
QString toString(LogEntry::Level level); // "debug" | "info" | "warning" | "error"

// The gateway's structured log: kept in a bounded in-memory ring (for the desktop Logs page),
// written as JSON lines to a file or stderr when asked, and announced with entryLogged().
// Thread-safe: request threads append; entryLogged is emitted from the appending thread, so
// receivers in other threads get it queued.
class GatewayLog : public QObject {
    Q_OBJECT
public:
    // `capacity`: the entries kept for entries(); 0 keeps none (a process without a Logs page).
    explicit GatewayLog(int capacity = 10'000, QObject *parent = nullptr);
    ~GatewayLog() override;

    // Also write every entry as one JSON object per line: to `path` (appended), or to stderr when
    // path is "-". Returns false with *error set when the file cannot be opened.
    bool setJsonOutput(const QString &path, QString *error = nullptr);

    void append(LogEntry entry);
    QList<LogEntry> entries() const; // oldest first, at most capacity

Q_SIGNALS:
    void entryLogged(const portico::metering::LogEntry &entry);

private:
    class Private;
    std::unique_ptr<Private> d;
};

// Appends one event of the gateway itself (no request) to `log`, stamped now; nothing when `log`
// is null.
void logEvent(GatewayLog *log, LogEntry::Level level, const QString &event, const QString &message);

} // namespace portico::metering

Q_DECLARE_METATYPE(portico::metering::LogEntry)
