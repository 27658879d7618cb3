#pragma once

#include "metering/threadshards.h"
#include "store/records.h"

#include <QHash>
#include <QList>
#include <QMutex>
#include <QWaitCondition>

#include <memory>

class QThread;

namespace portico::store {
class Database;
class UsageWriter;
} // namespace portico::store

namespace portico::metering {

class GatewayLog;
class MetricsRegistry;

// Writes usage rows off the request path: request threads queue rows, a thread of its own writes
// them every 200 ms (or as soon as a thread has kBatchRows waiting) in transactions of up to
// kBatchRows rows, and marks the keys seen as used (at most once a minute per key). Under load a
// batch's fixed costs (its commit, the roll-up upserts, the pages a commit writes again half
// full) are shared by kBatchRows rows: 2,000 rather than 500 took the writer's CPU a row down by
// about 15% (docs/PERFORMANCE.md, round 10); a batch waits no longer for it, 200 ms at most.
//
// Each request thread queues its rows in a buffer of its own, copied in as plain bytes (numbers
// and UTF-16 text, no QString), which the writer reads back into rows of its own: no lock is
// shared between request threads, and nothing a request thread allocated or reference-counts is
// touched, let alone freed, by the writer. Rows that crossed threads as QStrings cost the request
// threads about a third of metering's share (docs/PERFORMANCE.md, round 11). A thread's rows are
// written in the order it queued them; rows of different threads, in the order the writer takes
// the threads' buffers.
//
// When the store cannot be written (PostgreSQL down, a disk full), the rows are held in memory,
// up to kMaxHeldRows, and written once the store takes them again (tried every second). The
// queued rows not yet written have about the same bound (kMaxHeldRows shared out between the
// threads that queue: a store that takes them more slowly than they come). Past a bound the
// oldest rows are dropped; every drop is counted (droppedRows(), the log, /metrics), never
// silent.
class UsageRecorder {
public:
    static constexpr int kFlushIntervalMs = 200;
    static constexpr int kBatchRows = 2000;
    static constexpr int kRetryIntervalMs = 1000;
    // About 50 MB of rows: minutes of traffic at thousands of requests a second.
    static constexpr qsizetype kMaxHeldRows = 100'000;

    explicit UsageRecorder(std::shared_ptr<store::Database> database);
    // Where drops and recoveries are reported; both may be null. Call before start().
    void setReporting(GatewayLog *log, MetricsRegistry *metrics);
    ~UsageRecorder(); // stop()
    UsageRecorder(const UsageRecorder &) = delete;
    UsageRecorder &operator=(const UsageRecorder &) = delete;

    void start();
    // Thread-safe; never blocks on the database.
    void submit(const store::UsageRecord &row);
    // Returns once every row submitted before the call is written (or failed to be).
    void flush();
    // flush() and end the writer thread.
    void stop();

    qint64 writtenRows() const;
    qint64 failedRows() const;  // rows of failed attempts (held or dropped)
    qint64 heldRows() const;    // waiting for the store to take them again
    qint64 droppedRows() const; // lost past the bound

private:
    struct Shard;
    void run();
    // Takes every thread's queued rows and writes them, kBatchRows a transaction (or holds them
    // when the store refuses). `batch` is the caller's, empty, kept for its room. Returns the
    // rows taken.
    qsizetype writeQueued(QList<store::UsageRecord> &batch);
    // Writes the batch, or holds it behind rows already held; empties it.
    void writeOrHold(QList<store::UsageRecord> &batch);
    // Writes the rows; false when the store refused them.
    bool writeBatch(const QList<store::UsageRecord> &rows);
    // Keeps rows the store refused, dropping the oldest past the bound. Called locked.
    void hold(QList<store::UsageRecord> rows);
    // Tries the held rows again when it is time. Called locked; unlocks while writing.
    void retryHeld(QMutexLocker<QMutex> &locker, bool force);
    // A queued row was dropped to make room: counted, and said at most once a second.
    void noteQueueDrop();
    void report(int level, const QString &event, const QString &message);

    std::shared_ptr<store::Database> m_database;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    QWaitCondition m_progress;
    ThreadShards<Shard> m_shards;      // the rows queued, a buffer per request thread
    qint64 m_queueDropsUnreported = 0; // dropped from a full queue, not yet in the log
    qint64 m_lastQueueDropReportMs = 0;
    // flush() waits for a round of the writer that began after it was called: every row
    // queued before the call is then taken.
    quint64 m_roundsStarted = 0;
    quint64 m_roundsDone = 0;
    qint64 m_written = 0;
    qint64 m_failed = 0;
    bool m_batchReady = false; // a thread has kBatchRows queued
    bool m_flushRequested = false;
    bool m_stopping = false;
    bool m_writerRunning = false; // from start() until the writer thread's last round
    QThread *m_thread = nullptr;
    store::UsageWriter *m_threadWriter = nullptr; // the writer thread's, while it runs
    QHash<QString, qint64> m_lastTouchedMs;       // writer thread only
    QList<store::UsageRecord> m_held;             // oldest first
    qsizetype m_retrying = 0;                     // held rows being written again just now
    qint64 m_dropped = 0;
    qint64 m_lastFailureMs = 0;
    bool m_storeFailing = false;
    GatewayLog *m_log = nullptr;
    MetricsRegistry *m_metrics = nullptr;
};

} // namespace portico::metering
