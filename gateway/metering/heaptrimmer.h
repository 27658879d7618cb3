#pragma once

#include "metering/periodicworker.h"

#include <QtGlobal>

namespace portico::metering {

class GatewayLog;

// Hands the heap's free memory back to the system when it has grown by a few megabytes since
// the last trim, checked every few seconds on a thread of its own.
//
// Why: after a burst (a thousand concurrent calls, hundreds of streams) the heap is left with
// its free memory in thousands of pieces between the blocks still in use. Every allocation of
// a request then searched longer and touched more memory: a gateway that had served bench/run.sh
// S1 to S4 spent 4 to 7 us more CPU time per request than a fresh one, for the rest of its life.
// malloc_trim() merges the free pieces and returns whole free pages; after it the same gateway
// was within 1 us of a fresh one (docs/PERFORMANCE.md, round 12). Growth, not the amount, is
// what triggers it: pieces that stay free between blocks in use stay counted as free after a
// trim, and trimming them again every few seconds would gain nothing.
class HeapTrimmer {
public:
    static constexpr int kIntervalMs = 5'000;
    // Growth of the heap's free memory that is worth a trim. Under load the heap keeps a few
    // hundred kilobytes free between requests; a burst leaves tens of megabytes.
    static constexpr qint64 kTrimAfterGrowthBytes = 4 * 1024 * 1024;

    // Each trim is a line in `log` (when given): what it gave back, and how long it took.
    explicit HeapTrimmer(GatewayLog *log = nullptr);
    HeapTrimmer(const HeapTrimmer &) = delete;
    HeapTrimmer &operator=(const HeapTrimmer &) = delete;

    // Checks every kIntervalMs on a thread of its own, until stop() (or the destructor).
    void start();
    void stop();

    // One check: trims when the free memory is kTrimAfterGrowthBytes above the least seen since
    // the last trim (0 before the first). True when it trimmed. Not thread-safe: the worker's
    // thread calls it, or a test while the trimmer is not started.
    bool check();

    // Bytes the heap holds free (in all of its arenas); -1 where the C library cannot tell.
    static qint64 freeBytes();

private:
    GatewayLog *const m_log;
    qint64 m_baselineBytes = 0;
    PeriodicWorker m_worker; // last: stopped before the members its work uses go
};

} // namespace portico::metering
