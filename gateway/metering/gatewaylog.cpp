#include "metering/gatewaylog.h"

#include "store/apikeyformat.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>

#include <cstdio>
#include <deque>

namespace portico::metering {

namespace {

QByteArray jsonLine(const LogEntry &entry) {
    QJsonObject object;
    object.insert(QStringLiteral("time"), entry.time.toUTC().toString(Qt::ISODateWithMs));
    object.insert(QStringLiteral("level"), toString(entry.level));
    object.insert(QStringLiteral("request_id"), entry.requestId);
    object.insert(QStringLiteral("key"), entry.keyName);
    object.insert(QStringLiteral("route"), entry.route);
    object.insert(QStringLiteral("status"), entry.status);
    object.insert(QStringLiteral("event"), entry.event);
    object.insert(QStringLiteral("message"), entry.message);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

QString toString(LogEntry::Level level) {
    switch (level) {
    case LogEntry::Level::Debug:
        return QStringLiteral("debug");
    case LogEntry::Level::Info:
        return QStringLiteral("info");
    case LogEntry::Level::Warning:
        return QStringLiteral("warning");
    case LogEntry::Level::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

class GatewayLog::Private {
public:
    int capacity = 0;
    mutable QMutex mutex;
    std::deque<LogEntry> ring;
    std::unique_ptr<QFile> output;
    bool toStderr = false;
};

GatewayLog::GatewayLog(int capacity, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>()) {
    // Queued connections to the Logs page need the type registered before the first emit.
    qRegisterMetaType<LogEntry>();
    d->capacity = std::max(1, capacity);
}

GatewayLog::~GatewayLog() = default;

bool GatewayLog::setJsonOutput(const QString &path, QString *error) {
    QMutexLocker locker(&d->mutex);
    if (path == QLatin1String("-")) {
        d->output.reset();
        d->toStderr = true;
        return true;
    }
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::WriteOnly | QIODevice::Append)) {
        if (error)
            *error =
                QStringLiteral("cannot open the log file %1: %2").arg(path, file->errorString());
        return false;
    }
    d->output = std::move(file);
    d->toStderr = false;
    return true;
}

void GatewayLog::append(LogEntry entry) {
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTimeUtc();
    // Every writer already logs names and hints only; this is the net under them, for text that
    // echoes what a client sent (a malformed header line, a path with a key pasted into it).
    entry.message = store::apikey::redacted(entry.message);
    entry.keyName = store::apikey::redacted(entry.keyName);
    entry.route = store::apikey::redacted(entry.route);
    {
        QMutexLocker locker(&d->mutex);
        d->ring.push_back(entry);
        while (d->ring.size() > size_t(d->capacity))
            d->ring.pop_front();
        if (d->output || d->toStderr) {
            const QByteArray line = jsonLine(entry);
            if (d->output) {
                d->output->write(line);
                d->output->flush();
            } else {
                std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
                std::fflush(stderr);
            }
        }
    }
    Q_EMIT entryLogged(entry);
}

QList<LogEntry> GatewayLog::entries() const {
    QMutexLocker locker(&d->mutex);
    return QList<LogEntry>(d->ring.begin(), d->ring.end());
}

} // namespace portico::metering
