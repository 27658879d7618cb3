#include "proxy/accesscache.h"

#include "metering/periodicworker.h"
#include "store/changelistener.h"
#include "store/database.h"
#include "store/keystore.h"

#include <QLoggingCategory>

#include <algorithm>

namespace portico::proxy {

namespace {
Q_LOGGING_CATEGORY(lcAccess, "portico.gateway.access")
constexpr int kPollIntervalMs = 250;
// On PostgreSQL changes are announced (NOTIFY); polling is only the backstop there.
constexpr int kBackstopPollIntervalMs = 2000;
// A SHA-256 in hex (as stored, lower or upper case) to its 32 bytes; false when it is not one.
bool toBinary(QByteArrayView hex, std::array<char, 32> *hash) {
    if (hex.size() != qsizetype(2 * hash->size()))
        return false;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < hash->size(); ++i) {
        const int high = nibble(hex[qsizetype(2 * i)]);
        const int low = nibble(hex[qsizetype(2 * i + 1)]);
        if (high < 0 || low < 0)
            return false;
        (*hash)[i] = char(high << 4 | low);
    }
    return true;
}

} // namespace

AccessCache::AccessCache(std::shared_ptr<store::Database> database)
    : m_database(std::move(database)) {}

AccessCache::~AccessCache() {
    stop();
}

void AccessCache::start() {
    pollOtherProcesses();
    if (m_poller)
        return;
    m_poller = std::make_unique<metering::PeriodicWorker>(
        QStringLiteral("portico-access-poller"),
        m_database->isPostgres() ? kBackstopPollIntervalMs : kPollIntervalMs, [this] {
            pollOtherProcesses();
            refreshSecrets();
        });
    m_poller->start();
    // The secrets' hashes (a second for a million keys) are read by the poller, not before the
    // first request: until then only a throttled address is refused without a look at the store.
    m_poller->wake();
    // The check runs in the poller's thread; the listener only wakes it.
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

bool AccessCache::isCurrent(const Entry &entry) const {
    return entry.generation == m_database->localGeneration() && entry.counter >= m_counter.load();
}

AccessCache::KeyRef AccessCache::findByHash(const QByteArray &keyHash, bool mayAskStore) {
    std::optional<Entry> known;
    {
        QReadLocker locker(&m_lock);
        const auto it = m_entries.constFind(keyHash);
        if (it != m_entries.constEnd()) {
            if (isCurrent(*it))
                return it->key;
            known = *it;
        }
    }
    // A store that did not answer the last time is not asked on the request path: a key seen
    // before keeps the access it had, another is refused, and the poller notices when the store
    // is back. Under the failed-authentication throttle only a real secret is read.
    if (!mayAskStore && m_lastLoadOk.load() &&
        m_secretsGeneration.load() != m_database->localGeneration())
        refreshSecrets(); // a key this process just made must pass at once, as on other paths
    if (!m_lastLoadOk.load() || (!mayAskStore && !isKnownSecret(keyHash)))
        return known ? known->key : nullptr;
    std::optional<Entry> fresh = read(keyHash);
    if (!fresh)
        return known ? known->key : nullptr;
    QWriteLocker locker(&m_lock);
    if (fresh->key)
        m_entries.insert(keyHash, *fresh);
    else
        m_entries.remove(keyHash); // deleted, or never was: asked again next time
    return fresh->key;
}

std::optional<AccessCache::Entry> AccessCache::read(const QByteArray &keyHash) {
    Entry entry;
    // Read before the key: a change committed meanwhile makes the next lookup read it again.
    entry.generation = m_database->localGeneration();
    const store::KeyStore keys(*m_database, QStringLiteral("gateway"));
    const auto snapshot = keys.accessBySecret(keyHash);
    if (!snapshot) {
        noteStoreAnswered(false, snapshot.error().message);
        return std::nullopt;
    }
    noteStoreAnswered(true);
    entry.counter = snapshot->changeCounter;
    noteCounter(snapshot->changeCounter);
    if (snapshot->keys.isEmpty() || snapshot->keys.first().secrets.isEmpty())
        return entry;
    const store::AccessSnapshot::Key &stored = snapshot->keys.first();
    Key key;
    key.uuid = stored.uuid;
    key.name = stored.name;
    key.state = stored.state;
    key.expiresAt = stored.expiresAt;
    key.limits = stored.limits;
    key.allowedIps = store::AddressRanges(stored.allowedIps);
    // Which of the key's secrets this is: a rotated one also says until when it works.
    key.secretValidUntil = stored.secrets.first().validUntil;
    for (const auto &group : snapshot->groups) {
        if (!stored.groupUuids.contains(group.uuid))
            continue;
        const QSet<QString> routes(group.routes.cbegin(), group.routes.cend());
        key.routes.unite(routes);
        if (!group.limits.isEmpty())
            key.limitedGroups.append({group.uuid, group.name, routes, group.limits});
    }
    entry.key = std::make_shared<const Key>(std::move(key));
    return entry;
}

bool AccessCache::refreshIfChangedElsewhere() {
    // A store that did not answer the last time is not asked on the request path.
    if (!m_lastLoadOk.load())
        return false;
    const qint64 before = m_counter.load();
    pollOtherProcesses();
    return m_counter.load() != before;
}

void AccessCache::pollOtherProcesses() {
    const qint64 counter = m_database->changeCounter();
    noteStoreAnswered(counter >= 0, QStringLiteral("the change counter cannot be read"));
    if (counter >= 0)
        noteCounter(counter);
}

void AccessCache::refreshSecrets() {
    QMutexLocker locker(&m_secretsMutex);
    const quint64 generation = m_database->localGeneration();
    if (m_secretsCounter >= m_counter.load() && m_secretsGeneration == generation)
        return;
    auto secrets = std::make_shared<std::vector<SecretHash>>();
    const auto read = store::KeyStore(*m_database, QStringLiteral("gateway"))
                          .forEachSecretHash([&](QByteArrayView hex) {
                              if (SecretHash hash; toBinary(hex, &hash))
                                  secrets->push_back(hash);
                          });
    if (!read) {
        noteStoreAnswered(false, read.error().message);
        return;
    }
    secrets->shrink_to_fit();
    std::sort(secrets->begin(), secrets->end());
    {
        QWriteLocker writeLocker(&m_lock);
        m_secrets = std::move(secrets);
    }
    m_secretsCounter = *read;
    m_secretsGeneration = generation;
    noteCounter(*read);
}

bool AccessCache::isKnownSecret(const QByteArray &keyHash) const {
    SecretHash hash;
    if (!toBinary(keyHash, &hash))
        return false;
    QReadLocker locker(&m_lock);
    return m_secrets && std::binary_search(m_secrets->cbegin(), m_secrets->cend(), hash);
}

void AccessCache::noteCounter(qint64 counter) {
    qint64 seen = m_counter.load();
    while (counter > seen && !m_counter.compare_exchange_weak(seen, counter)) {
    }
}

void AccessCache::noteStoreAnswered(bool answered, const QString &error) {
    if (answered) {
        if (!m_lastLoadOk.exchange(true))
            qCInfo(lcAccess).noquote() << "The store answers again; keys and access are current.";
        return;
    }
    if (m_lastLoadOk.exchange(false))
        qCWarning(lcAccess).noquote()
            << "Cannot read the keys from the store:" << error
            << "Keys already known keep the access they had; other keys are refused until the "
               "store answers again.";
}

} // namespace portico::proxy
