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

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace portico::store {
class ChangeListener;
class Database;
} // namespace portico::store

namespace portico::metering {
class PeriodicWorker;
}

namespace portico::proxy {

// The keys in use, their groups and the routes they reach, in memory, so that the request path
// queries the database only for a key it has not seen since the last change. Nothing is loaded
// up front but the secrets' hashes (32 bytes each, so that an address under the failed-
// authentication throttle can be answered without the store): a key is read from the store
// (one indexed lookup by its secret's hash) the first time it is presented, and kept. So a store
// of 100,000 keys costs little start-up time and memory for the keys nobody uses.
//
// It never outlives a change: every entry records the store's version it was read at, and is
// read again when the store changed since. A change committed through the same Database object
// is seen by the very next lookup (Database::localGeneration); one made by another process is
// noticed by a poller comparing Database::changeCounter every 250 ms (on PostgreSQL at once,
// from its NOTIFY, with a poll every 2 s as the backstop). When the store does not answer, keys
// already seen keep the access they had; others are refused.
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

    // A key as looked up: shared with the cache, never copied. A request checks its key twice
    // and the outcome names it twice; copying its strings, sets and lists each time cost more
    // than the look-up (docs/PERFORMANCE.md, round 6).
    using KeyRef = std::shared_ptr<const Key>;

    explicit AccessCache(std::shared_ptr<store::Database> database);
    ~AccessCache();
    AccessCache(const AccessCache &) = delete;
    AccessCache &operator=(const AccessCache &) = delete;

    // Reads the store's version and starts the poller thread.
    void start();
    void stop();

    // The key whose stored hash is `keyHash`, as it is since the last change.
    // `mayAskStore` false: only what is in memory (an address under the failed-authentication
    // throttle must not make the gateway read the store).
    KeyRef findByHash(const QByteArray &keyHash, bool mayAskStore = true);

    // Checks at once whether another process changed the store (instead of waiting for the
    // poller); true when it did, and the next lookups read their keys again. For refusals: a key
    // created, or a route granted, by `portico-gateway` a moment ago must not be refused for up to
    // a poll interval.
    bool refreshIfChangedElsewhere();

    // False when the last attempt to read the store failed (keys already read are kept).
    bool storeReachable() const { return m_lastLoadOk.load(); }

private:
    struct Entry {
        KeyRef key;             // null: no such key
        quint64 generation = 0; // Database::localGeneration before it was read
        qint64 counter = -1;    // the store's change counter it was read at
    };
    bool isCurrent(const Entry &entry) const;
    // Reads the key of `keyHash` from the store; null when the store did not answer.
    std::optional<Entry> read(const QByteArray &keyHash);
    void pollOtherProcesses();
    // Reads every secret's hash again when the store changed since they were read.
    void refreshSecrets();
    bool isKnownSecret(const QByteArray &keyHash) const;
    void noteCounter(qint64 counter);
    void noteStoreAnswered(bool answered, const QString &error = {});

    std::shared_ptr<store::Database> m_database;
    mutable QReadWriteLock m_lock;
    QHash<QByteArray, Entry> m_entries;
    // The newest change counter seen: entries read at an older one are read again.
    std::atomic<qint64> m_counter{-1};
    std::atomic<bool> m_lastLoadOk{true};

    // Every secret's hash, binary, sorted: a set that costs 32 bytes a key.
    using SecretHash = std::array<char, 32>;
    std::shared_ptr<const std::vector<SecretHash>> m_secrets; // guarded by m_lock
    QMutex m_secretsMutex;                                    // one refresh at a time
    qint64 m_secretsCounter = -1;                             // under m_secretsMutex
    std::atomic<quint64> m_secretsGeneration{0};

    // A thread of its own rather than a QTimer in the owner's thread: the desktop window may be
    // busy, and revocations from other processes must still land within a second.
    std::unique_ptr<metering::PeriodicWorker> m_poller;
    std::unique_ptr<store::ChangeListener> m_listener;
};

} // namespace portico::proxy
