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

#include <optional>
#include <utility>

namespace portico::metering {

namespace {
Q_LOGGING_CATEGORY(lcUsage, "portico.gateway.usage")
constexpr qint64 kTouchIntervalMs = 60'000;
} // namespace

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
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("portico-usage-writer"));
    m_thread->start();
}

void UsageRecorder::submit(store::UsageRecord row) {
    QMutexLocker locker(&m_mutex);
    // The writer cannot keep up (a store that takes each batch, but slowly): the queue is held to
    // the same bound as the rows a failing store leaves, oldest dropped first, and counted.
    if (m_queue.size() >= kMaxHeldRows) {
        m_queue.removeFirst();
        ++m_dropped;
        ++m_queueDropsUnreported;
        ++m_done; // never to be written: flush() must not wait for it
        if (m_metrics)
            m_metrics->recordUsageDropped(1);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (now - m_lastQueueDropReportMs >= 1000) {
            m_lastQueueDropReportMs = now;
            report(int(LogEntry::Level::Error), QStringLiteral("usage_rows_dropped"),
                   QStringLiteral("The store takes usage rows more slowly than requests come and "
                                  "%1 wait, the most kept in memory: %2 of the oldest were "
                                  "dropped (%3 in all so far).")
                       .arg(kMaxHeldRows)
                       .arg(m_queueDropsUnreported)
                       .arg(m_dropped));
            m_queueDropsUnreported = 0;
        }
    }
    m_queue.append(std::move(row));
    ++m_submitted;
    if (m_queue.size() >= kBatchRows)
        m_wake.wakeAll();
}

void UsageRecorder::flush() {
    QMutexLocker locker(&m_mutex);
    if (!m_thread) {
        // Nobody writes in the background: write here.
        retryHeld(locker, true);
        QList<store::UsageRecord> rows = std::move(m_queue);
        m_queue.clear();
        locker.unlock();
        const bool written = rows.isEmpty() || writeBatch(rows);
        locker.relock();
        if (!written)
            hold(rows);
        m_done += rows.size();
        return;
    }
    const qint64 target = m_submitted;
    while (m_done < target) {
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
    QMutexLocker locker(&m_mutex);
    // Empty between batches. Its storage becomes the next queue's: the request threads append to
    // a list that already has room, where one that grew from nothing made them reallocate and
    // copy the rows at each doubling, a large allocation a batch (docs/PERFORMANCE.md, round 9).
    QList<store::UsageRecord> batch;
    for (;;) {
        if (m_queue.isEmpty() && m_stopping)
            break;
        if (m_queue.size() < kBatchRows && !m_flushRequested && !m_stopping)
            m_wake.wait(&m_mutex, QDeadlineTimer(kFlushIntervalMs));
        m_flushRequested = false;
        retryHeld(locker, false);
        if (m_queue.isEmpty()) {
            m_progress.wakeAll();
            continue;
        }
        if (m_queue.size() <= kBatchRows) {
            batch.swap(m_queue);
        } else {
            batch = m_queue.mid(0, kBatchRows);
            m_queue.remove(0, kBatchRows);
        }
        const qsizetype rows = batch.size();
        // Behind rows still held, new ones wait their turn: the order of the rows stays.
        bool written = false;
        if (m_held.isEmpty()) {
            locker.unlock();
            written = writeBatch(batch);
            // Emptied outside the lock; the room of a backlog's big batch is given back.
            if (written && batch.capacity() > 4 * kBatchRows)
                batch = {};
            else if (written)
                batch.clear();
            locker.relock();
        }
        if (!written) {
            hold(std::move(batch));
            batch = {};
        }
        m_done += rows;
        m_progress.wakeAll();
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
    m_progress.wakeAll();
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
