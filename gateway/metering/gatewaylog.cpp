#include "metering/gatewaylog.h"

#include "store/apikeyformat.h"

#include <QFile>
#include <QMutex>
#include <QMutexLocker>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <thread>

namespace portico::metering {

namespace {

// JSON string contents: quotes, backslashes and control characters escaped, the rest as UTF-8.
void appendJsonString(QByteArray &out, const QString &text) {
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20) {
            switch (c) {
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[byte >> 4];
                out += hex[byte & 0xf];
            }
            }
        } else {
            out += c;
        }
    }
    out += '"';
}

// One JSON object per line, built by hand: the same object QJsonDocument would write, at a
// fraction of the cost (one line per request).
QByteArray jsonLine(const LogEntry &entry) {
    QByteArray line;
    line.reserve(256 + entry.message.size());
    line += R"({"time":")";
    line += entry.time.toUTC().toString(Qt::ISODateWithMs).toLatin1();
    line += R"(","level":")";
    line += toString(entry.level).toLatin1();
    line += R"(","request_id":)";
    appendJsonString(line, entry.requestId);
    line += R"(,"key":)";
    appendJsonString(line, entry.keyName);
    line += R"(,"route":)";
    appendJsonString(line, entry.route);
    line += R"(,"status":)";
    line += QByteArray::number(entry.status);
    line += R"(,"event":)";
    appendJsonString(line, entry.event);
    line += R"(,"message":)";
    appendJsonString(line, entry.message);
    line += "}\n";
    return line;
}

// Lines waiting for the writer beyond this are dropped (and the drop written when it can be):
// a disk that stalls must not make the gateway's memory grow without bound.
constexpr qsizetype kMaxPendingBytes = 16 * 1024 * 1024;

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

// Lines are written by a thread of their own, in batches: a request thread only appends to
// `pending` (no system call, no wait for the disk), and under load one write carries many lines.
class GatewayLog::Private {
public:
    int capacity = 0;
    mutable QMutex mutex; // ring
    std::deque<LogEntry> ring;

    std::mutex outputMutex; // everything below
    std::condition_variable wake;
    QByteArray pending;
    qint64 droppedLines = 0;
    std::atomic<bool> writing{false}; // output configured: the writer thread runs
    bool stopping = false;
    std::unique_ptr<QFile> output; // null: stderr
    std::thread writer;

    void startWriter() {
        if (writer.joinable())
            return;
        writer = std::thread([this] { writeLoop(); });
    }
    void stopWriter() {
        {
            std::lock_guard lock(outputMutex);
            stopping = true;
        }
        wake.notify_one();
        if (writer.joinable())
            writer.join();
        std::lock_guard lock(outputMutex);
        stopping = false;
    }
    void writeLoop() {
        std::unique_lock lock(outputMutex);
        for (;;) {
            wake.wait(lock, [this] { return stopping || !pending.isEmpty(); });
            QByteArray batch;
            batch.swap(pending);
            if (droppedLines > 0) {
                batch += QByteArrayLiteral(R"({"time":")") +
                         QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toLatin1() +
                         R"(","level":"warning","request_id":"","key":"","route":"","status":0,)"
                         R"("event":"log_lines_dropped","message":")" +
                         QByteArray::number(droppedLines) +
                         R"( log lines were dropped: the log output could not keep up."})" + '\n';
                droppedLines = 0;
            }
            if (!batch.isEmpty()) {
                // The file is only touched here and in setJsonOutput(), which holds the lock.
                if (output) {
                    output->write(batch);
                    output->flush();
                } else {
                    lock.unlock();
                    std::fwrite(batch.constData(), 1, size_t(batch.size()), stderr);
                    std::fflush(stderr);
                    lock.lock();
                }
            }
            if (stopping && pending.isEmpty())
                return;
        }
    }
};

GatewayLog::GatewayLog(int capacity, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>()) {
    // Queued connections to the Logs page need the type registered before the first emit.
    qRegisterMetaType<LogEntry>();
    d->capacity = std::max(1, capacity);
}

GatewayLog::~GatewayLog() {
    // Whatever was appended is written before the log goes.
    d->stopWriter();
}

bool GatewayLog::setJsonOutput(const QString &path, QString *error) {
    std::unique_ptr<QFile> file;
    if (path != QLatin1String("-")) {
        file = std::make_unique<QFile>(path);
        if (!file->open(QIODevice::WriteOnly | QIODevice::Append)) {
            if (error)
                *error = QStringLiteral("cannot open the log file %1: %2")
                             .arg(path, file->errorString());
            return false;
        }
    }
    {
        std::lock_guard lock(d->outputMutex);
        // Lines already waiting go to the old output.
        if (!d->pending.isEmpty() && d->writing) {
            if (d->output) {
                d->output->write(d->pending);
                d->output->flush();
            } else {
                std::fwrite(d->pending.constData(), 1, size_t(d->pending.size()), stderr);
                std::fflush(stderr);
            }
            d->pending.clear();
        }
        d->output = std::move(file);
        d->writing = true;
    }
    d->startWriter();
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
    bool wakeWriter = false;
    if (d->writing.load(std::memory_order_acquire)) {
        const QByteArray line = jsonLine(entry);
        std::lock_guard lock(d->outputMutex);
        if (d->pending.size() >= kMaxPendingBytes) {
            ++d->droppedLines;
        } else {
            wakeWriter = d->pending.isEmpty();
            d->pending += line;
        }
    }
    // Only the first line of a batch wakes the writer; the others join it.
    if (wakeWriter)
        d->wake.notify_one();
    {
        QMutexLocker locker(&d->mutex);
        d->ring.push_back(entry);
        while (d->ring.size() > size_t(d->capacity))
            d->ring.pop_front();
    }
    Q_EMIT entryLogged(entry);
}

QList<LogEntry> GatewayLog::entries() const {
    QMutexLocker locker(&d->mutex);
    return QList<LogEntry>(d->ring.begin(), d->ring.end());
}

} // namespace portico::metering
