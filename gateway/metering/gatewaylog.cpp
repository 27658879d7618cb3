#include "metering/gatewaylog.h"

#include "metering/jsontext.h"

#include "store/apikeyformat.h"

#include <QFile>
#include <QMetaMethod>
#include <QMutex>
#include <QMutexLocker>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace portico::metering {

namespace {

// 2026-12-04T05:21:46.123Z, as Qt::ISODateWithMs writes a UTC time. The part up to the seconds
// is formatted once per second and thread: QDateTime::toString() per line costs more than
// everything else in the line.
void writeIsoTime(JsonTextWriter &out, qint64 msecsSinceEpoch) {
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local QByteArray cachedPrefix;
    const qint64 second =
        msecsSinceEpoch >= 0 ? msecsSinceEpoch / 1000 : (msecsSinceEpoch - 999) / 1000;
    if (second != cachedSecond) {
        cachedSecond = second;
        cachedPrefix = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"))
                           .toLatin1();
    }
    const int ms = int(msecsSinceEpoch - second * 1000);
    out.bytes(cachedPrefix);
    out.character('.');
    out.character(char('0' + ms / 100));
    out.character(char('0' + ms / 10 % 10));
    out.character(char('0' + ms % 10));
    out.character('Z');
}

QByteArrayView levelName(LogEntry::Level level) {
    switch (level) {
    case LogEntry::Level::Debug:
        return "debug";
    case LogEntry::Level::Info:
        return "info";
    case LogEntry::Level::Warning:
        return "warning";
    case LogEntry::Level::Error:
        return "error";
    }
    return "info";
}

// One JSON object per line, built by hand: the same object QJsonDocument would write, at a
// fraction of the cost (one line per request). Appended to `out` in place: a line of its own
// first cost an allocation, a copy and a free per request.
// The most bytes appendJsonLine() writes for `entry`.
qsizetype jsonLineBound(const LogEntry &entry) {
    // The fixed text, the time (24), the level (7) and the status (11) take under 160 bytes.
    return 160 + JsonTextWriter::stringBound(entry.requestId) +
           JsonTextWriter::stringBound(entry.keyName) + JsonTextWriter::stringBound(entry.route) +
           JsonTextWriter::stringBound(entry.event) + JsonTextWriter::stringBound(entry.message);
}

void appendJsonLine(QByteArray &out, const LogEntry &entry) {
    const qsizetype bound = jsonLineBound(entry);
    const qsizetype start = out.size();
    out.resize(start + bound);
    JsonTextWriter line(out.data() + start);
    line.literal(R"({"time":")");
    writeIsoTime(line, entry.time.toMSecsSinceEpoch());
    line.literal(R"(","level":")");
    line.bytes(levelName(entry.level));
    line.literal(R"(","request_id":)");
    line.string(entry.requestId);
    line.literal(R"(,"key":)");
    line.string(entry.keyName);
    line.literal(R"(,"route":)");
    line.string(entry.route);
    line.literal(R"(,"status":)");
    line.number(entry.status);
    line.literal(R"(,"event":)");
    line.string(entry.event);
    line.literal(R"(,"message":)");
    line.string(entry.message);
    line.literal("}\n");
    out.truncate(line.end() - out.constData());
}

// The net under every writer, which already logs names and hints only: text that echoes what a
// client sent (a malformed header line, a path with a key pasted into it) loses anything shaped
// like a key.
void redact(LogEntry &entry) {
    entry.message = store::apikey::redacted(entry.message);
    entry.keyName = store::apikey::redacted(entry.keyName);
    entry.route = store::apikey::redacted(entry.route);
}

// The JSON lines of `entries`, redacted, appended to `out`.
void appendJsonLines(QByteArray &out, std::vector<LogEntry> &entries) {
    for (LogEntry &entry : entries) {
        redact(entry);
        appendJsonLine(out, entry);
    }
}

// Lines waiting for the writer beyond this are dropped (and the drop written when it can be):
// a disk that stalls must not make the gateway's memory grow without bound.
constexpr qsizetype kMaxPendingBytes = 16 * 1024 * 1024;
// The writer gathers lines for this many milliseconds after the first, or until kWakeBytes:
// waking it for every line would cost a request more than building the line.
constexpr int kWriteIntervalMs = 10;
constexpr qsizetype kWakeBytes = 256 * 1024;

} // namespace

QString toString(LogEntry::Level level) {
    return QString::fromLatin1(levelName(level));
}

// Lines are written by a thread of their own, in batches: a request thread only appends its
// entry to `pending` (no system call, no wait for the disk, and no formatting: the writer turns
// the entries into lines, off the request's path), and under load one write carries many lines.
class GatewayLog::Private {
public:
    int capacity = 0;
    mutable QMutex mutex; // ring
    std::deque<LogEntry> ring;

    std::mutex outputMutex; // everything below but `output`
    std::condition_variable wake;
    std::vector<LogEntry> pending;
    qsizetype pendingBytes = 0; // the most their lines take
    qint64 droppedLines = 0;
    std::atomic<bool> writing{false}; // output configured: the writer thread runs
    bool stopping = false;
    std::mutex deviceMutex;        // `output`
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
    // Writes `batch` to the output; `deviceMutex` held (the output is touched only under it).
    void writeOut(const QByteArray &batch) {
        if (batch.isEmpty())
            return;
        if (output) {
            output->write(batch);
            output->flush();
        } else {
            std::fwrite(batch.constData(), 1, size_t(batch.size()), stderr);
            std::fflush(stderr);
        }
    }
    void writeLoop() {
        std::unique_lock lock(outputMutex);
        // The entries and the lines go out of these, which then come back as the next ones to
        // fill, with their room: a buffer that grew from nothing each time cost a reallocation
        // at each doubling, up to a large allocation a batch.
        std::vector<LogEntry> entries;
        QByteArray batch;
        for (;;) {
            // Idle: asleep until an entry comes. Then the entries of the next few milliseconds
            // join it, so that a busy gateway writes (and wakes this thread) about 100 times a
            // second rather than once per request.
            wake.wait(lock, [this] { return stopping || !pending.empty(); });
            wake.wait_for(lock, std::chrono::milliseconds(kWriteIntervalMs),
                          [this] { return stopping || pendingBytes >= kWakeBytes; });
            entries.swap(pending);
            pendingBytes = 0;
            const qint64 dropped = std::exchange(droppedLines, 0);
            const bool last = stopping;
            // Request threads go on appending while the lines are made and the disk works.
            lock.unlock();
            appendJsonLines(batch, entries);
            entries.clear();
            if (dropped > 0) {
                batch += QByteArrayLiteral(R"({"time":")") +
                         QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toLatin1() +
                         R"(","level":"warning","request_id":"","key":"","route":"","status":0,)"
                         R"("event":"log_lines_dropped","message":")" +
                         QByteArray::number(dropped) +
                         R"( log lines were dropped: the log output could not keep up."})" + '\n';
            }
            {
                std::lock_guard device(deviceMutex);
                writeOut(batch);
            }
            // Kept for the next batch unless a burst made them big (a stalled disk lets pending
            // reach kMaxPendingBytes). truncate(), unlike clear(), keeps the room.
            if (batch.capacity() > 4 * kWakeBytes)
                batch = QByteArray();
            else
                batch.truncate(0);
            if (entries.capacity() > 4096)
                entries = std::vector<LogEntry>();
            lock.lock();
            if (last && pending.empty())
                return;
        }
    }
};

GatewayLog::GatewayLog(int capacity, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>()) {
    // Queued connections to the Logs page need the type registered before the first emit.
    qRegisterMetaType<LogEntry>();
    d->capacity = std::max(0, capacity);
}

GatewayLog::~GatewayLog() {
    // Whatever was appended is written before the log goes.
    d->stopWriter();
}

bool GatewayLog::setJsonOutput(const QString &path, QString *error) {
    std::unique_ptr<QFile> file;
    if (path != QLatin1String("-")) {
        file = std::make_unique<QFile>(path);
        // A new log file is its owner's only (0600, whatever the umask); an existing one keeps
        // its permissions, so a log folder shared on purpose (group adm, say) stays readable.
        if (!file->open(QIODevice::WriteOnly | QIODevice::Append,
                        QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
            if (error)
                *error = QStringLiteral("cannot open the log file %1: %2")
                             .arg(path, file->errorString());
            return false;
        }
    }
    {
        std::lock_guard lock(d->outputMutex);
        std::lock_guard device(d->deviceMutex);
        // Lines already waiting go to the old output.
        if (d->writing) {
            QByteArray waiting;
            appendJsonLines(waiting, d->pending);
            d->writeOut(waiting);
        }
        d->pending.clear();
        d->pendingBytes = 0;
        d->output = std::move(file);
        d->writing = true;
    }
    d->startWriter();
    return true;
}

void GatewayLog::append(LogEntry entry) {
    if (!entry.time.isValid())
        entry.time = QDateTime::currentDateTimeUtc();
    // The ring and entryLogged's receivers get the entry as it is; the JSON line is redacted and
    // made by the writer. A receiver that connects meanwhile gets the next entry.
    static const QMetaMethod entryLoggedSignal = QMetaMethod::fromSignal(&GatewayLog::entryLogged);
    const bool shown = d->capacity > 0 || isSignalConnected(entryLoggedSignal);
    if (shown)
        redact(entry);
    bool wakeWriter = false;
    if (d->writing.load(std::memory_order_acquire)) {
        const qsizetype bound = jsonLineBound(entry);
        std::lock_guard lock(d->outputMutex);
        const qsizetype before = d->pendingBytes;
        if (before >= kMaxPendingBytes) {
            ++d->droppedLines;
        } else {
            if (shown)
                d->pending.push_back(entry);
            else
                d->pending.push_back(std::move(entry));
            d->pendingBytes += bound;
            // The first entry wakes the writer, and a full batch does not wait for the interval.
            wakeWriter = before == 0 || (before < kWakeBytes && d->pendingBytes >= kWakeBytes);
        }
    }
    if (wakeWriter)
        d->wake.notify_one();
    if (!shown)
        return;
    if (d->capacity > 0) {
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

void logEvent(GatewayLog *log, LogEntry::Level level, const QString &event,
              const QString &message) {
    if (!log)
        return;
    LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = level;
    entry.event = event;
    entry.message = message;
    log->append(std::move(entry));
}

} // namespace portico::metering
