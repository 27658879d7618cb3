#pragma once

#include "store/records.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <memory>

class QThread;

namespace portico::store {
class Database;
}

namespace portico::metering {

// Writes usage rows off the request path: request threads queue rows, a thread of its own writes
// them every 200 ms (or as soon as 500 are waiting) in one transaction per batch, and marks the
// keys seen as used (at most once a minute per key).
class UsageRecorder {
public:
    static constexpr int kFlushIntervalMs = 200;
    static constexpr int kBatchRows = 500;

    explicit UsageRecorder(std::shared_ptr<store::Database> database);
    ~UsageRecorder(); // stop()
    UsageRecorder(const UsageRecorder &) = delete;
    UsageRecorder &operator=(const UsageRecorder &) = delete;

    void start();
    // Thread-safe; never blocks on the database.
    void submit(store::UsageRecord row);
    // Returns once every row submitted before the call is written (or failed to be).
    void flush();
    // flush() and end the writer thread.
    void stop();

    qint64 writtenRows() const;
    qint64 failedRows() const;

private:
    void run();
    void writeBatch(const QList<store::UsageRecord> &rows);

    std::shared_ptr<store::Database> m_database;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_progress;
    QList<store::UsageRecord> m_queue;
    qint64 m_submitted = 0;
    qint64 m_done = 0;
    qint64 m_written = 0;
    qint64 m_failed = 0;
    bool m_flushRequested = false;
    bool m_stopping = false;
    QThread *m_thread = nullptr;
    QHash<QString, qint64> m_lastTouchedMs; // writer thread only
};

} // namespace portico::metering
