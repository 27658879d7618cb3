#pragma once

#include <QMutex>
#include <QtGlobal>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace portico::metering {

// Never reused, so that a thread's cached shard of a registry since destroyed (at the same
// address, perhaps) is never taken for one of a registry that lives.
quint64 nextShardsSerial();

// One Shard per thread that uses it, for state that every request adds to: each request thread
// works on its own shard (its own lock, its own memory), and whoever reads them all walks every
// shard. A process-wide lock a request, taken by every worker in turn, cost more than the work
// it guarded, and grew with the workers (docs/PERFORMANCE.md). A Shard locks itself as it needs.
// Shards live as long as the set: a thread that ended leaves its shard, which a thread with its
// id may go on with.
template <typename Shard> class ThreadShards {
public:
    ThreadShards() = default;
    ThreadShards(const ThreadShards &) = delete;
    ThreadShards &operator=(const ThreadShards &) = delete;

    // This thread's shard, made at its first call. After that, no lock and no look-up.
    Shard &local() {
        thread_local Cached cached;
        if (cached.serial == m_serial)
            return *cached.shard;
        const std::thread::id self = std::this_thread::get_id();
        QMutexLocker locker(&m_mutex);
        Shard *shard = nullptr;
        for (const Entry &entry : m_entries) {
            if (entry.thread == self) {
                shard = entry.shard.get();
                break;
            }
        }
        if (!shard) {
            m_entries.push_back({self, std::make_unique<Shard>()});
            shard = m_entries.back().shard.get();
            m_count.store(qsizetype(m_entries.size()), std::memory_order_relaxed);
        }
        cached = {m_serial, shard};
        return *shard;
    }

    // Calls f(Shard &) for each shard, with the set's lock held (not the shards' own).
    template <typename F> void forEach(F &&f) const {
        QMutexLocker locker(&m_mutex);
        for (const Entry &entry : m_entries)
            f(*entry.shard);
    }

    // How many threads have a shard; read without a lock.
    qsizetype size() const { return m_count.load(std::memory_order_relaxed); }

private:
    struct Entry {
        std::thread::id thread;
        std::unique_ptr<Shard> shard;
    };
    struct Cached {
        quint64 serial = 0;
        Shard *shard = nullptr;
    };

    const quint64 m_serial = nextShardsSerial();
    mutable QMutex m_mutex;
    std::vector<Entry> m_entries;
    std::atomic<qsizetype> m_count{0};
};

} // namespace portico::metering
