#include "metering/heaptrimmer.h"

#include "metering/gatewaylog.h"
#include "text/humanbytes.h"

#include <QElapsedTimer>
#include <QFile>
#include <QString>

#include <algorithm>

#include <unistd.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define PORTICO_HEAP_TRIM 1 // mallinfo2() (glibc 2.33) and malloc_trim()
#endif

namespace portico::metering {

namespace {

// This process's resident memory, from /proc/self/statm; -1 when it cannot be read.
qint64 residentBytes() {
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    static const qint64 pageBytes = ::sysconf(_SC_PAGESIZE); // 4 KiB here, not everywhere
    return fields.size() > 1 ? fields.at(1).toLongLong() * pageBytes : -1;
}

} // namespace

HeapTrimmer::HeapTrimmer(GatewayLog *log)
    : m_log(log)
    // Housekeeping: it must not take CPU from requests being served.
    , m_worker(
          QStringLiteral("portico-heap-trim"), kIntervalMs, [this] { check(); },
          PeriodicWorker::FirstRun::AfterInterval, QThread::LowPriority) {}

void HeapTrimmer::start() {
    if (freeBytes() >= 0)
        m_worker.start();
}

void HeapTrimmer::stop() {
    m_worker.stop();
}

qint64 HeapTrimmer::freeBytes() {
#ifdef PORTICO_HEAP_TRIM
    // All arenas: each thread that allocates may have its own.
    return qint64(mallinfo2().fordblks);
#else
    return -1;
#endif
}

bool HeapTrimmer::check() {
#ifdef PORTICO_HEAP_TRIM
    const qint64 free = freeBytes();
    if (free - m_baselineBytes <= kTrimAfterGrowthBytes) {
        m_baselineBytes = std::min(m_baselineBytes, free);
        return false;
    }
    // Resident memory is read for the log line only.
    const qint64 residentBefore = m_log ? residentBytes() : -1;
    QElapsedTimer clock;
    clock.start();
    malloc_trim(0);
    const qint64 tookUs = clock.nsecsElapsed() / 1000;
    if (m_log) {
        logEvent(m_log, LogEntry::Level::Info, QStringLiteral("heap_trimmed"),
                 QStringLiteral("Gave the heap's free memory back after it grew by %1: %2 less "
                                "resident, in %3 ms.")
                     .arg(text::humanBytes(free - m_baselineBytes),
                          text::humanBytes(std::max<qint64>(residentBefore - residentBytes(), 0)))
                     .arg(double(tookUs) / 1000, 0, 'f', 1));
    }
    m_baselineBytes = freeBytes();
    return true;
#else
    return false;
#endif
}

} // namespace portico::metering
