#pragma once

#include "store/addressranges.h"
#include "store/records.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <QReadWriteLock>
#include <QSet>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

namespace portico::store {
class ChangeListener;
class Database;
} // namespace portico::store

namespace portico::metering {
class PeriodicWorker;
}

namespace portico::proxy {

// The keys, their groups and the routes they reach, in memory, so that the request path never
// queries the database. It never outlives a change: a change committed through the same
// Database object is seen by the very next lookup (Database::localGeneration), and a change made
// by another process is noticed by a poller comparing Database::changeCounter every 250 ms (on
// PostgreSQL at once, from its NOTIFY, with a poll every 2 s as the backstop).
class AccessCache {
public:
    // A group of the key that has limits: they apply to the requests for the routes it grants.
    struct LimitedGroup {
        QString uuid;
        QString name;
        QSet<QString> routes;
        store::Limits limits;
    };
    struct Key {
        QString uuid;
        QString name;
        store::KeyState state = store::KeyState::Active;
        QDateTime expiresAt;
        QSet<QString> routes; // route names reachable through the key's groups
        store::Limits limits;
        QList<LimitedGroup> limitedGroups;
        store::AddressRanges allowedIps; // empty: any address
        // Which of the key's secrets was looked up: null for the current one; for a rotated
        // one, the end of its grace period (past: refused as rotated).
        QDateTime secretValidUntil;
        bool isOldSecret() const { return secretValidUntil.isValid(); }
    };

    explicit AccessCache(std::shared_ptr<store::Database> database);
    ~AccessCache();
    AccessCache(const AccessCache &) = delete;
    AccessCache &operator=(const AccessCache &) = delete;

    // Loads the snapshot and starts the poller thread.
    void start();
    void stop();

    // The key whose stored hash is `keyHash`, from a snapshot no older than the last change.
    // `mayAskStore` false: only the snapshot in memory (an address under the failed-
    // authentication throttle must not make the gateway read the store).
    std::optional<Key> findByHash(const QByteArray &keyHash, bool mayAskStore = true);

    // Reloads at once if another process changed the store since the last snapshot (instead of
    // waiting for the poller); true when it did. For refusals: a key created, or a route granted,
    // by `portico-gateway` a moment ago must not be refused for up to a poll interval.
    bool refreshIfChangedElsewhere();

    // False when the last attempt to read the store failed (the previous snapshot is kept).
    bool storeReachable() const { return m_lastLoadOk.load(); }

private:
    struct Index {
        QHash<QByteArray, Key> byHash;
    };
    void refreshIfChangedLocally();
    void pollOtherProcesses();
    void reload(bool force);

    std::shared_ptr<store::Database> m_database;
    mutable QReadWriteLock m_indexLock;
    std::shared_ptr<const Index> m_index;
    QMutex m_reloadMutex;
    std::atomic<quint64> m_loadedGeneration{0};
    std::atomic<qint64> m_loadedCounter{-1};
    std::atomic<bool> m_loaded{false};
    std::atomic<bool> m_lastLoadOk{true};

    // A thread of its own rather than a QTimer in the owner's thread: the desktop window may be
    // busy, and revocations from other processes must still land within a second.
    std::unique_ptr<metering::PeriodicWorker> m_poller;
    std::unique_ptr<store::ChangeListener> m_listener;
};

} // namespace portico::proxy
