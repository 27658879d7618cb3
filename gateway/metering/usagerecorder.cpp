#include "metering/usagerecorder.h"

#include "metering/gatewaylog.h"
#include "metering/metrics.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/usagestore.h"
#include "store/usagewriter.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QThread>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace portico::metering {

namespace {
Q_LOGGING_CATEGORY(lcUsage, "portico.gateway.usage")
constexpr qint64 kTouchIntervalMs = 60'000;
// A thread's queue buffer, given back to it after a round, keeps its room up to this: a few
// batches of rows of a few hundred bytes.
constexpr qsizetype kMaxSpareBytes = qsizetype(UsageRecorder::kBatchRows) * 2048;

// A queued row as plain bytes (see the class comment): this header, then its texts' UTF-16 code
// units one after the other, the whole padded to 8 bytes. Read and written with memcpy().
constexpr int kTexts = 7;
struct PackedHeader {
    qint64 queuedNs; // steadyNs() when it was queued: the rows' order across threads
    qint64 timeMs;
    qint64 promptTokens;
    qint64 completionTokens;
    qint64 latencyMs;
    qint64 ttftMs;
    double costUsd;
    qint32 bytes; // of the whole record
    qint32 status;
    std::array<qint32, kTexts> lengths;
    bool hasTime;
    bool stream;
    bool oldSecret;
    bool tokensEstimated;
};
static_assert(std::is_trivially_copyable_v<PackedHeader>);

// The texts of a row, in their packed order; the request id first.
template <typename Row> auto textsOf(Row &row) {
    return std::array{&row.requestId, &row.keyUuid,  &row.keyName,  &row.route,
                      &row.modelId,   &row.provider, &row.errorCode};
}

qint64 steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void appendPacked(QByteArray &out, const store::UsageRecord &row, qint64 queuedNs) {
    PackedHeader header{};
    header.queuedNs = queuedNs;
    header.hasTime = row.time.isValid();
    header.timeMs = header.hasTime ? row.time.toMSecsSinceEpoch() : 0;
    header.promptTokens = row.promptTokens;
    header.completionTokens = row.completionTokens;
    header.latencyMs = row.latencyMs;
    header.ttftMs = row.ttftMs;
    header.costUsd = row.costUsd;
    header.status = row.status;
    header.stream = row.stream;
    header.oldSecret = row.oldSecret;
    header.tokensEstimated = row.tokensEstimated;
    const auto texts = textsOf(row);
    qsizetype bytes = sizeof header;
    for (int i = 0; i < kTexts; ++i) {
        header.lengths[size_t(i)] = qint32(texts[size_t(i)]->size());
        bytes += texts[size_t(i)]->size() * qsizetype(sizeof(QChar));
    }
    bytes = (bytes + 7) & ~qsizetype(7);
    header.bytes = qint32(bytes);
    const qsizetype at = out.size();
    out.resize(at + bytes); // grows the room geometrically
    char *to = out.data() + at;
    std::memcpy(to, &header, sizeof header);
    to += sizeof header;
    for (const QString *text : texts) {
        const qsizetype textBytes = text->size() * qsizetype(sizeof(QChar));
        std::memcpy(to, text->constData(), size_t(textBytes));
        to += textBytes;
    }
}

qsizetype packedBytesAt(const char *at) {
    qint32 bytes = 0;
    std::memcpy(&bytes, at + offsetof(PackedHeader, bytes), sizeof bytes);
    return bytes;
}

qint64 packedQueuedNsAt(const char *at) {
    qint64 queuedNs = 0;
    std::memcpy(&queuedNs, at + offsetof(PackedHeader, queuedNs), sizeof queuedNs);
    return queuedNs;
}

// Reads packed rows back into rows of the reading thread. Texts that repeat the last row's
// (the key, the route, the model: most rows under load) share its string instead of a copy.
class PackedReader {
public:
    // Reads the row at `at`; returns where the next one starts.
    const char *read(const char *at, store::UsageRecord &row) {
        PackedHeader header;
        std::memcpy(&header, at, sizeof header);
        row.time =
            header.hasTime ? QDateTime::fromMSecsSinceEpoch(header.timeMs, Qt::UTC) : QDateTime();
        row.promptTokens = header.promptTokens;
        row.completionTokens = header.completionTokens;
        row.latencyMs = header.latencyMs;
        row.ttftMs = header.ttftMs;
        row.costUsd = header.costUsd;
        row.status = header.status;
        row.stream = header.stream;
        row.oldSecret = header.oldSecret;
        row.tokensEstimated = header.tokensEstimated;
        // The buffer's data is malloc()-aligned and every record a multiple of 8 bytes long.
        const auto *text = reinterpret_cast<const QChar *>(at + sizeof header);
        const auto texts = textsOf(row);
        for (size_t i = 0; i < size_t(kTexts); ++i) {
            const QStringView view(text, header.lengths[i]);
            text += view.size();
            if (i == 0) { // the request id: never the same
                *texts[i] = view.toString();
                continue;
            }
            if (view != m_last[i])
                m_last[i] = view.toString();
            *texts[i] = m_last[i];
        }
        return at + header.bytes;
    }

private:
    std::array<QString, kTexts> m_last;
};

} // namespace

// One request thread's queued rows. Its lock is taken by that thread once a row, and by the
// writer when it takes the rows.
struct UsageRecorder::Shard {
    QMutex mutex;
    QByteArray rows; // packed, the oldest at `head`
    qsizetype head = 0;
    qsizetype count = 0;
    qint64 lastQueuedNs = 0;
    bool batchSignalled = false; // the writer was woken for a full batch of these
    QByteArray spare;            // a buffer the writer gave back, empty, its room kept
};

UsageRecorder::UsageRecorder(std::shared_ptr<store::Database> database)
    : m_database(std::move(database)) {}

UsageRecorder::~UsageRecorder() {
    stop();
}

void UsageRecorder::setReporting(GatewayLog *log, MetricsRegistry *metrics) {
    m_log = log;
    m_metrics = metrics;
}

void UsageRecorder::report(int level, const QString &event, const QString &message) {
    qCWarning(lcUsage).noquote() << message;
    if (!m_log)
        return;
    LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = LogEntry::Level(level);
    entry.event = event;
    entry.message = message;
    m_log->append(std::move(entry));
}

qint64 UsageRecorder::heldRows() const {
    QMutexLocker locker(&m_mutex);
    // Rows being tried again still count: /health must not say "ok" while that try may fail.
    return m_held.size() + m_retrying;
}

qint64 UsageRecorder::droppedRows() const {
    QMutexLocker locker(&m_mutex);
    return m_dropped;
}

void UsageRecorder::hold(QList<store::UsageRecord> rows) {
    m_held.append(std::move(rows));
    const qsizetype excess = m_held.size() - kMaxHeldRows;
    if (excess > 0) {
        m_held.remove(0, excess);
        m_dropped += excess;
        if (m_metrics)
            m_metrics->recordUsageDropped(excess);
        report(int(LogEntry::Level::Error), QStringLiteral("usage_rows_dropped"),
               QStringLiteral("The store has not taken usage rows for a while and %1 are held, "
                              "the most kept in memory: the %2 oldest were dropped (%3 in all "
                              "so far).")
                   .arg(kMaxHeldRows)
                   .arg(excess)
                   .arg(m_dropped));
    }
    if (m_metrics)
        m_metrics->setUsageRowsHeld(m_held.size());
}

void UsageRecorder::retryHeld(QMutexLocker<QMutex> &locker, bool force) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (!m_held.isEmpty() && (force || now - m_lastFailureMs >= kRetryIntervalMs)) {
        QList<store::UsageRecord> batch = m_held.mid(0, kBatchRows);
        m_held.remove(0, batch.size());
        m_retrying = batch.size();
        locker.unlock();
        const bool written = writeBatch(batch);
        locker.relock();
        m_retrying = 0;
        if (!written) {
            // Back in front, in their order; the next try waits a second.
            m_held = batch + m_held;
            break;
        }
    }
    if (m_metrics)
        m_metrics->setUsageRowsHeld(m_held.size());
}

void UsageRecorder::start() {
    QMutexLocker locker(&m_mutex);
    if (m_thread)
        return;
    m_stopping = false;
    m_writerRunning = true;
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("portico-usage-writer"));
    m_thread->start();
}

void UsageRecorder::submit(const store::UsageRecord &row) {
    Shard &shard = m_shards.local();
    // The writer cannot keep up (a store that takes each batch, but slowly): the queue is held to
    // the same bound as the rows a failing store leaves, shared out between the threads that
    // queue, oldest dropped first, and counted.
    const qsizetype bound =
        std::max<qsizetype>(1, kMaxHeldRows / std::max<qsizetype>(1, m_shards.size()));
    bool dropped = false;
    bool wake = false;
    {
        QMutexLocker locker(&shard.mutex);
        if (shard.count >= bound) {
            shard.head += packedBytesAt(shard.rows.constData() + shard.head);
            --shard.count;
            dropped = true;
            // The dropped rows' room is taken back once they are half the buffer.
            if (shard.head > shard.rows.size() / 2) {
                shard.rows.remove(0, shard.head);
                shard.head = 0;
            }
        }
        // Stamped under the lock: a row stamped before the writer's cut (see writeQueued()) is
        // in the buffer when the writer takes it.
        shard.lastQueuedNs = steadyNs();
        appendPacked(shard.rows, row, shard.lastQueuedNs);
        ++shard.count;
        if (shard.count >= kBatchRows && !shard.batchSignalled) {
            shard.batchSignalled = true;
            wake = true;
        }
    }
    if (dropped)
        noteQueueDrop();
    if (wake) {
        QMutexLocker locker(&m_mutex);
        m_batchReady = true;
        m_wake.wakeAll();
    }
}

void UsageRecorder::noteQueueDrop() {
    QMutexLocker locker(&m_mutex);
    ++m_dropped;
    ++m_queueDropsUnreported;
    if (m_metrics)
        m_metrics->recordUsageDropped(1);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastQueueDropReportMs < 1000)
        return;
    m_lastQueueDropReportMs = now;
    report(int(LogEntry::Level::Error), QStringLiteral("usage_rows_dropped"),
           QStringLiteral("The store takes usage rows more slowly than requests come and %1 "
                          "wait, the most kept in memory: %2 of the oldest were dropped (%3 in "
                          "all so far).")
               .arg(kMaxHeldRows)
               .arg(m_queueDropsUnreported)
               .arg(m_dropped));
    m_queueDropsUnreported = 0;
}

void UsageRecorder::flush() {
    QMutexLocker locker(&m_mutex);
    if (!m_thread) {
        // Nobody writes in the background: write here.
        retryHeld(locker, true);
        locker.unlock();
        QList<store::UsageRecord> batch;
        writeQueued(batch);
        return;
    }
    const quint64 target = m_roundsStarted + 1;
    while (m_roundsDone < target && m_writerRunning) {
        m_flushRequested = true;
        m_wake.wakeAll();
        m_progress.wait(&m_mutex, QDeadlineTimer(1000));
    }
}

void UsageRecorder::stop() {
    QThread *thread = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        thread = m_thread;
        if (!thread)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    thread->wait();
    delete thread;
    QMutexLocker locker(&m_mutex);
    m_thread = nullptr;
}

qint64 UsageRecorder::writtenRows() const {
    QMutexLocker locker(&m_mutex);
    return m_written;
}

qint64 UsageRecorder::failedRows() const {
    QMutexLocker locker(&m_mutex);
    return m_failed;
}

void UsageRecorder::run() {
    // Its statements stay prepared from batch to batch; it goes before the thread's connection.
    store::UsageWriter writer(*m_database);
    m_threadWriter = &writer;
    const auto forget = qScopeGuard([this] { m_threadWriter = nullptr; });
    // Empty between batches, its room kept for the next.
    QList<store::UsageRecord> batch;
    QMutexLocker locker(&m_mutex);
    for (;;) {
        if (!m_batchReady && !m_flushRequested && !m_stopping)
            m_wake.wait(&m_mutex, QDeadlineTimer(kFlushIntervalMs));
        m_batchReady = false;
        m_flushRequested = false;
        const bool stopping = m_stopping;
        const quint64 round = ++m_roundsStarted;
        retryHeld(locker, false);
        locker.unlock();
        const qsizetype taken = writeQueued(batch);
        locker.relock();
        m_roundsDone = round;
        m_progress.wakeAll();
        if (stopping && taken == 0)
            break;
    }
    // Stopping: one last try for what is held; what the store still refuses is lost, and said.
    retryHeld(locker, true);
    if (!m_held.isEmpty()) {
        const qsizetype lost = m_held.size();
        m_dropped += lost;
        if (m_metrics)
            m_metrics->recordUsageDropped(lost);
        m_held.clear();
        report(int(LogEntry::Level::Error), QStringLiteral("usage_rows_dropped"),
               QStringLiteral("The gateway stops while the store still refuses usage rows: %1 "
                              "rows are lost.")
                   .arg(lost));
    }
    m_writerRunning = false;
    m_progress.wakeAll();
}

qsizetype UsageRecorder::writeQueued(QList<store::UsageRecord> &batch) {
    // The rows queued up to now, from every thread, in the order they were queued: each thread's
    // rows are in order, and merged by their stamps. The rows a thread queued after the cut (in
    // the moment between the cut and the writer's taking its buffer) stay for the next round, so
    // that they are not written before another thread's earlier ones.
    struct Taken {
        Shard *shard;
        QByteArray rows;
        qsizetype at;  // the next row to read
        qsizetype end; // the cut
    };
    std::vector<Taken> taken;
    const qint64 cut = steadyNs();
    m_shards.forEach([&taken, cut](Shard &shard) {
        QMutexLocker locker(&shard.mutex);
        if (shard.count == 0)
            return;
        Taken one{&shard, std::exchange(shard.rows, std::move(shard.spare)), shard.head, 0};
        shard.spare = QByteArray();
        shard.head = 0;
        shard.count = 0;
        shard.batchSignalled = false;
        one.end = one.rows.size();
        if (shard.lastQueuedNs > cut) {
            qsizetype at = one.at;
            while (at < one.end && packedQueuedNsAt(one.rows.constData() + at) <= cut)
                at += packedBytesAt(one.rows.constData() + at);
            for (qsizetype later = at; later < one.end;
                 later += packedBytesAt(one.rows.constData() + later))
                ++shard.count;
            shard.rows.append(one.rows.constData() + at, one.end - at);
            one.end = at;
        }
        taken.push_back(std::move(one));
    });
    qsizetype rows = 0;
    PackedReader reader;
    for (;;) {
        Taken *next = nullptr;
        for (Taken &one : taken) {
            if (one.at < one.end &&
                (!next || packedQueuedNsAt(one.rows.constData() + one.at) <
                              packedQueuedNsAt(next->rows.constData() + next->at)))
                next = &one;
        }
        if (!next)
            break;
        const char *const at = next->rows.constData() + next->at;
        next->at += reader.read(at, batch.emplace_back()) - at;
        ++rows;
        if (batch.size() == kBatchRows)
            writeOrHold(batch);
    }
    writeOrHold(batch);
    // Each buffer goes back to its thread for a later round, emptied, with its room; not the
    // room a backlog made it grow to.
    for (Taken &one : taken) {
        if (one.rows.capacity() > kMaxSpareBytes)
            continue;
        one.rows.truncate(0);
        QMutexLocker locker(&one.shard->mutex);
        if (one.shard->spare.capacity() < one.rows.capacity())
            one.shard->spare.swap(one.rows);
    }
    return rows;
}

void UsageRecorder::writeOrHold(QList<store::UsageRecord> &batch) {
    if (batch.isEmpty())
        return;
    QMutexLocker locker(&m_mutex);
    // Behind rows still held, new ones wait their turn: the order of the rows stays.
    if (m_held.isEmpty()) {
        locker.unlock();
        if (writeBatch(batch)) {
            batch.clear(); // outside the lock, the room kept
            return;
        }
        locker.relock();
    }
    hold(std::exchange(batch, {}));
}

bool UsageRecorder::writeBatch(const QList<store::UsageRecord> &rows) {
    // The writer thread's own writer, or one for this call (flush() without a thread).
    std::optional<store::UsageWriter> callWriter;
    store::UsageWriter *writer = m_threadWriter;
    if (!writer || QThread::currentThread() != m_thread)
        writer = &callWriter.emplace(*m_database);
    store::Status status = writer->insert(rows);
    if (!status) {
        // One retry covers a lock held a little too long by another process.
        QThread::msleep(50);
        status = writer->insert(rows);
    }
    bool recovered = false;
    bool failedFirst = false;
    {
        QMutexLocker locker(&m_mutex);
        if (status) {
            m_written += rows.size();
            recovered = std::exchange(m_storeFailing, false);
        } else {
            m_failed += rows.size();
            m_lastFailureMs = QDateTime::currentMSecsSinceEpoch();
            failedFirst = !std::exchange(m_storeFailing, true);
        }
    }
    if (!status) {
        // Said once per outage, not once a second.
        if (failedFirst)
            report(int(LogEntry::Level::Error), QStringLiteral("usage_write_failed"),
                   QStringLiteral("Usage rows cannot be written: %1 They are held in memory (up "
                                  "to %2) and written when the store takes them again.")
                       .arg(status.error().message)
                       .arg(kMaxHeldRows));
        return false;
    }
    if (recovered)
        report(int(LogEntry::Level::Info), QStringLiteral("usage_write_recovered"),
               QStringLiteral("The store takes usage rows again; the held ones are written."));

    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QStringList toTouch;
    for (const auto &row : rows) {
        if (row.keyUuid.isEmpty() || row.status >= 400)
            continue;
        auto it = m_lastTouchedMs.find(row.keyUuid);
        if (it != m_lastTouchedMs.end() && nowMs - *it < kTouchIntervalMs)
            continue;
        m_lastTouchedMs.insert(row.keyUuid, nowMs);
        toTouch.append(row.keyUuid);
    }
    if (!toTouch.isEmpty()) {
        store::KeyStore keys(*m_database, QStringLiteral("gateway"));
        const store::Status touched = keys.touchLastUsed(toTouch, QDateTime::currentDateTimeUtc());
        if (!touched)
            qCWarning(lcUsage).noquote()
                << "Could not update last_used_at:" << touched.error().message;
    }
    return true;
}

} // namespace portico::metering
