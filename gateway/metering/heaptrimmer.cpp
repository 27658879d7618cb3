#include "metering/heaptrimmer.h"

#include "metering/gatewaylog.h"
#include "metering/periodicworker.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QString>

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace portico::metering {

namespace {

// This process's resident memory, from /proc/self/statm; -1 when it cannot be read.
qint64 residentBytes() {
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() * 4096 : -1;
}

QString megabytes(qint64 bytes) {
    return QString::number(double(bytes) / (1024 * 1024), 'f', 1) + QStringLiteral(" MB");
}

} // namespace

HeapTrimmer::HeapTrimmer(GatewayLog *log)
    : m_log(log) {}

HeapTrimmer::~HeapTrimmer() {
    stop();
}

void HeapTrimmer::start() {
    if (m_worker || freeBytes() < 0)
        return;
    // Housekeeping: it must not take CPU from requests being served.
    m_worker = std::make_unique<PeriodicWorker>(
        QStringLiteral("portico-heap-trim"), kIntervalMs, [this] { check(); },
        PeriodicWorker::FirstRun::AfterInterval, QThread::LowPriority);
    m_worker->start();
}

void HeapTrimmer::stop() {
    if (!m_worker)
        return;
    m_worker->stop();
    m_worker.reset();
}

qint64 HeapTrimmer::freeBytes() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    // All arenas: each thread that allocates may have its own.
    return qint64(mallinfo2().fordblks);
#else
    return -1;
#endif
}

bool HeapTrimmer::check() {
#if defined(__GLIBC__)
    const qint64 free = freeBytes();
    if (free < 0)
        return false;
    if (free - m_baselineBytes <= kTrimAfterGrowthBytes) {
        m_baselineBytes = std::min(m_baselineBytes, free);
        return false;
    }
    const qint64 grownFrom = m_baselineBytes;
    const qint64 residentBefore = m_log ? residentBytes() : -1;
    QElapsedTimer clock;
    clock.start();
    malloc_trim(0);
    const qint64 tookUs = clock.nsecsElapsed() / 1000;
    m_baselineBytes = std::max<qint64>(freeBytes(), 0);
    if (m_log) {
        LogEntry entry;
        entry.time = QDateTime::currentDateTimeUtc();
        entry.level = LogEntry::Level::Info;
        entry.event = QStringLiteral("heap_trimmed");
        entry.message = QStringLiteral("Gave the heap's free memory back after it grew by %1: "
                                       "%2 less resident, in %3 ms.")
                            .arg(megabytes(free - grownFrom))
                            .arg(megabytes(residentBefore - residentBytes()))
                            .arg(double(tookUs) / 1000, 0, 'f', 1);
        m_log->append(std::move(entry));
    }
    return true;
#else
    return false;
#endif
}

} // namespace portico::metering
