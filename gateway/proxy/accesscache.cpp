#include "proxy/accesscache.h"

#include "metering/periodicworker.h"
#include "store/changelistener.h"
#include "store/database.h"
#include "store/keystore.h"

#include <QLoggingCategory>

namespace portico::proxy {

namespace {
Q_LOGGING_CATEGORY(lcAccess, "portico.gateway.access")
constexpr int kPollIntervalMs = 250;
// On PostgreSQL changes are announced (NOTIFY); polling is only the backstop there.
constexpr int kBackstopPollIntervalMs = 2000;
} // namespace

AccessCache::AccessCache(std::shared_ptr<store::Database> database)
    : m_database(std::move(database))
    , m_index(std::make_shared<Index>()) {}

AccessCache::~AccessCache() {
    stop();
}

void AccessCache::start() {
    reload(true);
    if (m_poller)
        return;
    m_poller = std::make_unique<metering::PeriodicWorker>(
        QStringLiteral("portico-access-poller"),
        m_database->isPostgres() ? kBackstopPollIntervalMs : kPollIntervalMs,
        [this] { pollOtherProcesses(); });
    m_poller->start();
    // The reload runs in the poller's thread; the listener only wakes it.
    m_listener = std::make_unique<store::ChangeListener>(m_database, [this] {
        if (m_poller)
            m_poller->wake();
    });
}

void AccessCache::stop() {
    m_listener.reset();
    if (m_poller)
        m_poller->stop();
    m_poller.reset();
}

std::optional<AccessCache::Key> AccessCache::findByHash(const QByteArray &keyHash,
                                                        bool mayAskStore) {
    refreshIfChangedLocally();
    const auto lookup = [this, &keyHash]() -> std::optional<Key> {
        std::shared_ptr<const Index> index;
        {
            QReadLocker locker(&m_indexLock);
            index = m_index;
        }
        const auto it = index->byHash.constFind(keyHash);
        if (it == index->byHash.constEnd())
            return std::nullopt;
        return *it;
    };
    if (auto found = lookup(); found || !mayAskStore)
        return found;
    // Only well-formed keys with a valid checksum get here, so asking the store whether anything
    // changed (one indexed read of meta) before refusing costs little.
    refreshIfChangedElsewhere();
    return lookup();
}

bool AccessCache::refreshIfChangedElsewhere() {
    // A store that did not answer the last time is not asked on the request path: a key it
    // does not know is refused at once, and the poller notices when the store is back.
    if (!m_lastLoadOk.load())
        return false;
    const qint64 before = m_loadedCounter.load();
    pollOtherProcesses();
    return m_loadedCounter.load() != before;
}

void AccessCache::refreshIfChangedLocally() {
    if (m_loaded.load() && m_database->localGeneration() == m_loadedGeneration.load())
        return;
    reload(false);
}

void AccessCache::pollOtherProcesses() {
    const qint64 counter = m_database->changeCounter();
    // After an outage the snapshot is reloaded even when nothing changed meanwhile: that is
    // how the cache knows it is current again.
    if (counter == m_loadedCounter.load() &&
        m_database->localGeneration() == m_loadedGeneration.load() && m_lastLoadOk.load())
        return;
    reload(true);
}

void AccessCache::reload(bool force) {
    QMutexLocker locker(&m_reloadMutex);
    // Read before the snapshot: a change committed meanwhile makes the next lookup reload again.
    const quint64 generation = m_database->localGeneration();
    if (!force && m_loaded.load() && generation == m_loadedGeneration.load())
        return;

    const store::KeyStore keys(*m_database, QStringLiteral("gateway"));
    const auto snapshot = keys.accessSnapshot();
    if (!snapshot) {
        if (m_lastLoadOk.exchange(false))
            qCWarning(lcAccess).noquote()
                << "Cannot read the keys from the store:" << snapshot.error().message
                << "Keys already known keep the access they had; other keys are refused until "
                   "the store answers again.";
        return;
    }
    if (!m_lastLoadOk.exchange(true))
        qCInfo(lcAccess).noquote() << "The store answers again; keys and access are current.";

    QHash<QString, const store::AccessSnapshot::Group *> groupsByUuid;
    for (const auto &group : snapshot->groups)
        groupsByUuid.insert(group.uuid, &group);

    auto index = std::make_shared<Index>();
    index->byHash.reserve(snapshot->keys.size());
    for (const auto &stored : snapshot->keys) {
        Key key;
        key.uuid = stored.uuid;
        key.name = stored.name;
        key.state = stored.state;
        key.expiresAt = stored.expiresAt;
        key.limits = stored.limits;
        key.allowedIps = store::AddressRanges(stored.allowedIps);
        for (const auto &groupUuid : stored.groupUuids) {
            const store::AccessSnapshot::Group *group = groupsByUuid.value(groupUuid);
            if (!group)
                continue;
            const QSet<QString> routes(group->routes.cbegin(), group->routes.cend());
            key.routes.unite(routes);
            if (!group->limits.isEmpty())
                key.limitedGroups.append({group->uuid, group->name, routes, group->limits});
        }
        // Every secret finds the same key; rotated ones also say until when they work.
        for (const auto &secret : stored.secrets) {
            Key entry = key;
            entry.secretValidUntil = secret.validUntil;
            index->byHash.insert(secret.hash, std::move(entry));
        }
    }
    {
        QWriteLocker writeLocker(&m_indexLock);
        m_index = std::move(index);
    }
    m_loadedGeneration = generation;
    m_loadedCounter = snapshot->changeCounter;
    m_loaded = true;
}

} // namespace portico::proxy
