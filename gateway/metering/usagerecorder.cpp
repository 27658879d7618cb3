#include "metering/usagerecorder.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QThread>

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
    m_queue.append(std::move(row));
    ++m_submitted;
    if (m_queue.size() >= kBatchRows)
        m_wake.wakeAll();
}

void UsageRecorder::flush() {
    QMutexLocker locker(&m_mutex);
    if (!m_thread) {
        // Nobody writes in the background: write here.
        QList<store::UsageRecord> rows = std::move(m_queue);
        m_queue.clear();
        locker.unlock();
        if (!rows.isEmpty())
            writeBatch(rows);
        locker.relock();
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
    QMutexLocker locker(&m_mutex);
    for (;;) {
        if (m_queue.isEmpty() && m_stopping)
            break;
        if (m_queue.size() < kBatchRows && !m_flushRequested && !m_stopping)
            m_wake.wait(&m_mutex, QDeadlineTimer(kFlushIntervalMs));
        m_flushRequested = false;
        if (m_queue.isEmpty()) {
            m_progress.wakeAll();
            continue;
        }
        QList<store::UsageRecord> batch;
        if (m_queue.size() <= kBatchRows) {
            batch = std::move(m_queue);
            m_queue.clear();
        } else {
            batch = m_queue.mid(0, kBatchRows);
            m_queue.remove(0, kBatchRows);
        }
        locker.unlock();
        writeBatch(batch);
        locker.relock();
        m_done += batch.size();
        m_progress.wakeAll();
    }
    m_progress.wakeAll();
}

void UsageRecorder::writeBatch(const QList<store::UsageRecord> &rows) {
    store::UsageStore usage(*m_database);
    store::Status status = usage.insert(rows);
    if (!status) {
        // One retry covers a lock held a little too long by another process.
        QThread::msleep(50);
        status = usage.insert(rows);
    }
    {
        QMutexLocker locker(&m_mutex);
        if (status)
            m_written += rows.size();
        else
            m_failed += rows.size();
    }
    if (!status) {
        qCWarning(lcUsage).noquote()
            << "Could not write" << rows.size() << "usage rows:" << status.error().message;
        return;
    }

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
}

} // namespace portico::metering
