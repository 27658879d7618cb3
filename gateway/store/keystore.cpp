#include "store/keystore.h"

#include "store/addressranges.h"
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/storeobjects.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <algorithm>

#include <stdexcept>

namespace portico::store {

using namespace detail;

namespace {

// Allowed addresses are stored comma-separated, already normalised; '' allows any.
QStringList splitAddresses(const QString &text) {
    return text.split(u',', Qt::SkipEmptyParts);
}

KeyState stateFromDb(const QString &text) {
    return text == QLatin1String("disabled") ? KeyState::Disabled : KeyState::Active;
}

// Loads one key (`onlyUuid`) or all keys, with their groups and routes, sorted as listKeys says.
Result<QList<ApiKeyRecord>> loadKeys(const QSqlDatabase &connection, const QString &onlyUuid) {
    const QString doing = QStringLiteral("reading API keys");
    LoadedRecords<ApiKeyRecord> keys;
    if (Status s =
            readRows(connection,
                     QStringLiteral("SELECT uuid, name, key_hint, state, created_at, "
                                    "updated_at, last_used_at, expires_at, allowed_ips "
                                    "FROM api_keys"),
                     QStringLiteral("uuid"), QStringLiteral("created_at, name"), onlyUuid, doing,
                     [&](const QSqlQuery &row) {
                         ApiKeyRecord key;
                         key.uuid = row.value(0).toString();
                         key.name = row.value(1).toString();
                         key.hint = row.value(2).toString();
                         key.state = stateFromDb(row.value(3).toString());
                         key.createdAt = timeFromDb(row.value(4));
                         key.updatedAt = timeFromDb(row.value(5));
                         key.lastUsedAt = timeFromDb(row.value(6));
                         key.expiresAt = timeFromDb(row.value(7));
                         key.allowedIps = splitAddresses(row.value(8).toString());
                         keys.add(std::move(key));
                     });
        !s)
        return s.error();
    if (Status s = readRows(
            connection,
            QStringLiteral("SELECT kg.key_uuid, g.uuid, g.name FROM key_groups kg"
                           " JOIN groups g ON g.uuid = kg.group_uuid"),
            QStringLiteral("kg.key_uuid"), QStringLiteral("g.name, g.uuid"), onlyUuid, doing,
            [&](const QSqlQuery &row) {
                if (ApiKeyRecord *key = keys.find(row.value(0).toString()))
                    key->groups.append(GroupRef{row.value(1).toString(), row.value(2).toString()});
            });
        !s)
        return s.error();
    if (Status s =
            readRows(connection,
                     QStringLiteral("SELECT kg.key_uuid, gr.route_name, g.uuid, g.name"
                                    " FROM key_groups kg"
                                    " JOIN groups g ON g.uuid = kg.group_uuid"
                                    " JOIN group_routes gr ON gr.group_uuid = g.uuid"),
                     QStringLiteral("kg.key_uuid"), QStringLiteral("gr.route_name, g.name, g.uuid"),
                     onlyUuid, doing,
                     [&](const QSqlQuery &row) {
                         if (ApiKeyRecord *key = keys.find(row.value(0).toString()))
                             key->routes.append(RouteGrant{
                                 row.value(1).toString(),
                                 GroupRef{row.value(2).toString(), row.value(3).toString()}});
                     });
        !s)
        return s.error();
    // The current secret, and the previous one while its grace period lasts.
    const qint64 now = nowMs();
    if (Status s = readRows(
            connection,
            QStringLiteral("SELECT key_uuid, hint, created_at, valid_until FROM key_secrets"),
            QStringLiteral("key_uuid"), QStringLiteral("created_at"), onlyUuid, doing,
            [&](const QSqlQuery &row) {
                ApiKeyRecord *key = keys.find(row.value(0).toString());
                if (!key)
                    return;
                if (row.value(3).isNull()) {
                    key->secretCreatedAt = timeFromDb(row.value(2));
                } else if (row.value(3).toLongLong() > now) {
                    // Rows come oldest first: the newest secret still in its grace wins.
                    key->previousSecret =
                        PreviousSecret{row.value(1).toString(), timeFromDb(row.value(2)),
                                       timeFromDb(row.value(3))};
                }
            });
        !s)
        return s.error();
    if (Status s = readLimits(connection, onlyUuid,
                              [&](const QString &uuid, const Limits &limits) {
                                  if (ApiKeyRecord *key = keys.find(uuid))
                                      key->limits = limits;
                              });
        !s)
        return s.error();
    return keys.take();
}

const ObjectKind<ApiKeyRecord> kKeys{keyTable(), loadKeys};

QJsonValue isoOrNull(const QDateTime &time) {
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs))
                          : QJsonValue(QJsonValue::Null);
}

// The row of key_secrets for a key's new current secret.
Statement secretInsert(const QString &keyUuid, const QString &key, qint64 now) {
    return {QStringLiteral("INSERT INTO key_secrets (secret_hash, key_uuid, hint, created_at, "
                           "valid_until) VALUES (?, ?, ?, ?, NULL)"),
            {QString::fromLatin1(apikey::hash(key)), keyUuid, apikey::hint(key), now}};
}

QJsonArray groupNames(const QList<GroupRef> &groups) {
    QJsonArray names;
    for (const GroupRef &group : groups)
        names.append(group.name);
    return names;
}

} // namespace

KeyStore::KeyStore(Database &db, QString actor)
    : m_db(db)
    , m_actor(std::move(actor)) {}

Result<CreatedKey> KeyStore::createKey(const QString &name, const QStringList &groupRefs,
                                       const QDateTime &expiresAt) {
    QString key;
    Result<ApiKeyRecord> record =
        ObjectStore(m_db, m_actor, kKeys)
            .create(name,
                    [&](const QSqlDatabase &connection, const QString &uuid,
                        const QString &validName) -> Result<Edit> {
                        // Every group must exist before anything is written; the transaction undoes
                        // the rest anyway.
                        QList<Named> groups;
                        for (const QString &ref : groupRefs) {
                            const Result<Named> group = resolve(connection, groupTable(), ref);
                            if (!group)
                                return group.error();
                            if (std::none_of(groups.cbegin(), groups.cend(),
                                             [&](const Named &g) { return g.uuid == group->uuid; }))
                                groups.append(*group);
                        }
                        try {
                            key = apikey::generate();
                        } catch (const std::runtime_error &) {
                            return makeError(Error::Reason::NoRandomness);
                        }
                        const qint64 now = nowMs();
                        Edit change{
                            {{QStringLiteral(
                                  "INSERT INTO api_keys (uuid, name, key_hash, key_hint, state, "
                                  "created_at, updated_at, last_used_at, expires_at) VALUES "
                                  "(?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                              {uuid, validName, QString::fromLatin1(apikey::hash(key)),
                               apikey::hint(key), toString(KeyState::Active), now, now,
                               timeToDb(QDateTime()), timeToDb(expiresAt)}},
                             secretInsert(uuid, key, now)},
                            QStringLiteral("creating the key"),
                            QStringLiteral("create"),
                            {{QStringLiteral("name"), validName}}};
                        QJsonArray names;
                        QJsonArray uuids; // the group's History finds the row by its uuid
                        for (const Named &group : std::as_const(groups)) {
                            change.statements.append(
                                {QStringLiteral("INSERT INTO key_groups (key_uuid, "
                                                "group_uuid) VALUES (?, ?)"),
                                 {uuid, group.uuid}});
                            names.append(group.name);
                            uuids.append(group.uuid);
                        }
                        change.details.insert(QStringLiteral("groups"), names);
                        change.details.insert(QStringLiteral("group_uuids"), uuids);
                        if (expiresAt.isValid())
                            change.details.insert(QStringLiteral("expires_at"),
                                                  isoOrNull(expiresAt));
                        return change;
                    });
    if (!record)
        return record.error();
    return CreatedKey{std::move(record).value(), key};
}

Result<ApiKeyRecord> KeyStore::renameKey(const QString &keyRef, const QString &newName) {
    return ObjectStore(m_db, m_actor, kKeys).rename(keyRef, newName);
}

Result<ApiKeyRecord> KeyStore::setKeyState(const QString &keyRef, KeyState state) {
    return ObjectStore(m_db, m_actor, kKeys)
        .change(keyRef, [&](const QSqlDatabase &, const ApiKeyRecord &before) -> Plan {
            if (before.state == state)
                return nothingToDo();
            return edit(
                {{keyTable().update(before.uuid, {{QStringLiteral("state"), toString(state)}})},
                 QStringLiteral("changing the key's state"),
                 state == KeyState::Active ? QStringLiteral("enable") : QStringLiteral("disable"),
                 {{QStringLiteral("name"), before.name}}});
        });
}

Result<ApiKeyRecord> KeyStore::setKeyExpiry(const QString &keyRef, const QDateTime &expiresAt) {
    return ObjectStore(m_db, m_actor, kKeys)
        .change(keyRef, [&](const QSqlDatabase &, const ApiKeyRecord &before) -> Plan {
            // Stored with millisecond precision: compare what would be stored.
            if (timeToDb(before.expiresAt) == timeToDb(expiresAt))
                return nothingToDo();
            return edit({{keyTable().update(before.uuid,
                                            {{QStringLiteral("expires_at"), timeToDb(expiresAt)}})},
                         QStringLiteral("changing the key's expiry"),
                         QStringLiteral("set_expiry"),
                         {{QStringLiteral("name"), before.name},
                          {QStringLiteral("old_expires_at"), isoOrNull(before.expiresAt)},
                          {QStringLiteral("expires_at"), isoOrNull(expiresAt)}}});
        });
}

Result<RotatedKey> KeyStore::rotateKey(const QString &keyRef, qint64 graceSeconds) {
    if (graceSeconds < 0)
        return makeError(Error::Reason::InvalidGrace, Error::Subject::Key,
                         {QString::number(graceSeconds)});
    QString key;
    QDateTime previousValidUntil;
    Result<ApiKeyRecord> record =
        ObjectStore(m_db, m_actor, kKeys)
            .change(keyRef, [&](const QSqlDatabase &, const ApiKeyRecord &before) -> Plan {
                try {
                    key = apikey::generate();
                } catch (const std::runtime_error &) {
                    return makeError(Error::Reason::NoRandomness);
                }
                const qint64 now = nowMs();
                // Ten years is longer than any grace anyone means, and keeps the sum in range.
                const qint64 graceMs = std::min<qint64>(graceSeconds, 10LL * 366 * 86400) * 1000;
                previousValidUntil = graceMs > 0
                                         ? QDateTime::fromMSecsSinceEpoch(now + graceMs, Qt::UTC)
                                         : QDateTime();
                Edit change{
                    {// An earlier grace ends now; so does the current secret, unless it gets one.
                     {QStringLiteral("UPDATE key_secrets SET valid_until = ? WHERE key_uuid = ? "
                                     "AND (valid_until IS NULL OR valid_until > ?)"),
                      {now, before.uuid, now}},
                     {QStringLiteral("UPDATE key_secrets SET valid_until = ? WHERE secret_hash = "
                                     "(SELECT key_hash FROM api_keys WHERE uuid = ?)"),
                      {now + graceMs, before.uuid}},
                     secretInsert(before.uuid, key, now),
                     keyTable().update(
                         before.uuid,
                         {{QStringLiteral("key_hash"), QString::fromLatin1(apikey::hash(key))},
                          {QStringLiteral("key_hint"), apikey::hint(key)}})},
                    QStringLiteral("rotating the key"),
                    QStringLiteral("rotate"),
                    {{QStringLiteral("name"), before.name},
                     {QStringLiteral("old_hint"), before.hint},
                     {QStringLiteral("new_hint"), apikey::hint(key)},
                     {QStringLiteral("grace_seconds"), graceSeconds},
                     {QStringLiteral("previous_valid_until"), isoOrNull(previousValidUntil)}}};
                if (before.previousSecret)
                    change.details.insert(QStringLiteral("ended_earlier_grace"),
                                          before.previousSecret->hint);
                return edit(std::move(change));
            });
    if (!record)
        return record.error();
    return RotatedKey{std::move(record).value(), key, previousValidUntil};
}

Result<ApiKeyRecord> KeyStore::endGracePeriod(const QString &keyRef) {
    return ObjectStore(m_db, m_actor, kKeys)
        .change(keyRef, [&](const QSqlDatabase &, const ApiKeyRecord &before) -> Plan {
            if (!before.previousSecret)
                return nothingToDo();
            const qint64 now = nowMs();
            return edit({{{QStringLiteral("UPDATE key_secrets SET valid_until = ? WHERE "
                                          "key_uuid = ? AND valid_until > ?"),
                           {now, before.uuid, now}},
                          keyTable().update(before.uuid, {})},
                         QStringLiteral("ending the grace period"),
                         QStringLiteral("end_grace"),
                         {{QStringLiteral("name"), before.name},
                          {QStringLiteral("hint"), before.previousSecret->hint},
                          {QStringLiteral("old_valid_until"),
                           isoOrNull(before.previousSecret->validUntil)}}});
        });
}

Result<ApiKeyRecord> KeyStore::setAllowedIps(const QString &keyRef, const QStringList &ranges) {
    const Result<QStringList> normal = AddressRanges::normalize(ranges);
    if (!normal)
        return normal.error();
    return ObjectStore(m_db, m_actor, kKeys)
        .change(keyRef, [&](const QSqlDatabase &, const ApiKeyRecord &before) -> Plan {
            if (before.allowedIps == *normal)
                return nothingToDo();
            const QString stored = normal->join(u',');
            return edit(
                {{keyTable().update(before.uuid,
                                    {{QStringLiteral("allowed_ips"),
                                      stored.isNull() ? QString(QLatin1String("")) : stored}})},
                 QStringLiteral("changing the key's allowed addresses"),
                 QStringLiteral("set_allowed_ips"),
                 {{QStringLiteral("name"), before.name},
                  {QStringLiteral("old_allowed_ips"),
                   QJsonArray::fromStringList(before.allowedIps)},
                  {QStringLiteral("allowed_ips"), QJsonArray::fromStringList(*normal)}}});
        });
}

Result<ApiKeyRecord> KeyStore::setLimits(const QString &keyRef, const LimitsChange &limits) {
    return ObjectStore(m_db, m_actor, kKeys).setLimits(keyRef, limits);
}

Result<ApiKeyRecord> KeyStore::deleteKey(const QString &keyRef) {
    return ObjectStore(m_db, m_actor, kKeys).remove(keyRef, [](const ApiKeyRecord &before) {
        return QJsonObject{{QStringLiteral("name"), before.name},
                           {QStringLiteral("groups"), groupNames(before.groups)}};
    });
}

Result<ApiKeyRecord> KeyStore::changeMembership(const QString &keyRef, const QString &groupRef,
                                                bool join) {
    return ObjectStore(m_db, m_actor, kKeys)
        .change(keyRef, [&](const QSqlDatabase &connection, const ApiKeyRecord &key) -> Plan {
            const Result<Named> group = resolve(connection, groupTable(), groupRef);
            if (!group)
                return group.error();
            const Edit change{{},
                              join ? QStringLiteral("adding the key to the group")
                                   : QStringLiteral("removing the key from the group"),
                              join ? QStringLiteral("add_group") : QStringLiteral("remove_group"),
                              {{QStringLiteral("name"), key.name},
                               {QStringLiteral("group"), group->name},
                               {QStringLiteral("group_uuid"), group->uuid}}};
            if (join)
                return addLink(connection, keyGroupsLink(), key.uuid, group->uuid, change);
            return removeLink(connection, keyGroupsLink(), key.uuid, group->uuid, change,
                              makeError(Error::Reason::NotMember, Error::Subject::Key,
                                        {key.name, group->name, key.uuid}));
        });
}

Result<ApiKeyRecord> KeyStore::addKeyToGroup(const QString &keyRef, const QString &groupRef) {
    return changeMembership(keyRef, groupRef, true);
}

Result<ApiKeyRecord> KeyStore::removeKeyFromGroup(const QString &keyRef, const QString &groupRef) {
    return changeMembership(keyRef, groupRef, false);
}

// Last-used times are bookkeeping, not admin changes: they are committed without bumping the
// change counter, so the gateway's traffic does not make every reader reload its snapshot.
Status KeyStore::touchLastUsed(const QStringList &keyUuids, const QDateTime &when) {
    if (keyUuids.isEmpty())
        return {};
    const qint64 whenMs = when.isValid() ? when.toMSecsSinceEpoch() : nowMs();
    constexpr qint64 kMinimumIntervalMs = 60 * 1000;

    Transaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const QString doing = QStringLiteral("recording when keys were last used");
    QSqlQuery query(tx.connection());
    if (Status s = prepare(query,
                           QStringLiteral("UPDATE api_keys SET last_used_at = ? WHERE uuid = ? AND "
                                          "(last_used_at IS NULL OR last_used_at < ?)"),
                           doing);
        !s)
        return s;
    const QSet<QString> unique(keyUuids.cbegin(), keyUuids.cend());
    for (const QString &uuid : unique) {
        query.bindValue(0, whenMs);
        query.bindValue(1, uuid);
        query.bindValue(2, whenMs - kMinimumIntervalMs);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    return tx.commitQuietly();
}

// Reads: each sees one committed state.

Result<QList<ApiKeyRecord>> KeyStore::listKeys() const {
    return ObjectStore(m_db, m_actor, kKeys).list();
}

Result<ApiKeyRecord> KeyStore::key(const QString &keyRef) const {
    return ObjectStore(m_db, m_actor, kKeys).find(keyRef);
}

namespace {

// Reads what the gateway needs of keys and groups: every key and group when `onlyKey` is empty,
// else that key, with only `onlySecret` among its secrets, and its groups.
Result<AccessSnapshot> readAccess(const QSqlDatabase &connection, const QString &onlyKey,
                                  const QByteArray &onlySecret) {
    const QString doing = QStringLiteral("reading keys and groups");
    const Result<qint64> counter = readChangeCounter(connection);
    if (!counter)
        return counter.error();
    LoadedRecords<AccessSnapshot::Key> keys;
    LoadedRecords<AccessSnapshot::Group> groups;
    const auto readKey = [&](const QSqlQuery &row) {
        AccessSnapshot::Key key;
        key.uuid = row.value(0).toString();
        key.name = row.value(1).toString();
        key.state = stateFromDb(row.value(2).toString());
        key.expiresAt = timeFromDb(row.value(3));
        key.allowedIps = splitAddresses(row.value(4).toString());
        keys.add(std::move(key));
    };
    // Current secrets (no valid_until) first, then the newest old ones.
    const auto readSecret = [&](const QSqlQuery &row) {
        const QByteArray hash = row.value(1).toString().toLatin1();
        if (!onlySecret.isEmpty() && hash != onlySecret)
            return;
        if (AccessSnapshot::Key *key = keys.find(row.value(0).toString()))
            key->secrets.append({hash, timeFromDb(row.value(2))});
    };
    QStringList memberOf;
    const auto readMembership = [&](const QSqlQuery &row) {
        if (AccessSnapshot::Key *key = keys.find(row.value(0).toString())) {
            key->groupUuids.append(row.value(1).toString());
            memberOf.append(key->groupUuids.last());
        }
    };
    const auto readGroup = [&](const QSqlQuery &row) {
        groups.add({row.value(0).toString(), row.value(1).toString(), {}, {}});
    };
    const auto readLimitsOf = [&](const QString &uuid, const Limits &limits) {
        if (AccessSnapshot::Key *key = keys.find(uuid))
            key->limits = limits;
        else if (AccessSnapshot::Group *group = groups.find(uuid))
            group->limits = limits;
    };
    const auto readGrant = [&](const QSqlQuery &row) {
        if (AccessSnapshot::Group *group = groups.find(row.value(0).toString()))
            group->routes.append(row.value(1).toString());
    };
    Status s = readRows(connection,
                        QStringLiteral("SELECT uuid, name, state, expires_at, "
                                       "allowed_ips FROM api_keys"),
                        QStringLiteral("uuid"), QStringLiteral("uuid"), onlyKey, doing, readKey);
    if (s)
        s = readRows(connection,
                     QStringLiteral("SELECT key_uuid, secret_hash, valid_until FROM key_secrets"),
                     QStringLiteral("key_uuid"),
                     QStringLiteral("CASE WHEN valid_until IS NULL THEN 0 ELSE 1 END, "
                                    "valid_until DESC"),
                     onlyKey, doing, readSecret);
    if (s)
        s = readRows(connection, QStringLiteral("SELECT key_uuid, group_uuid FROM key_groups"),
                     QStringLiteral("key_uuid"), QStringLiteral("key_uuid, group_uuid"), onlyKey,
                     doing, readMembership);
    // All groups for the whole snapshot; for one key, only its own (usually one or two).
    const QStringList groupsToRead = onlyKey.isEmpty() ? QStringList{QString()} : memberOf;
    for (const QString &group : groupsToRead) {
        if (s)
            s = readRows(connection, QStringLiteral("SELECT uuid, name FROM groups"),
                         QStringLiteral("uuid"), QStringLiteral("name"), group, doing, readGroup);
        if (s)
            s = readRows(connection,
                         QStringLiteral("SELECT group_uuid, route_name FROM group_routes"),
                         QStringLiteral("group_uuid"), QStringLiteral("group_uuid, route_name"),
                         group, doing, readGrant);
        if (s && !onlyKey.isEmpty())
            s = readLimits(connection, group, readLimitsOf);
    }
    if (s)
        s = readLimits(connection, onlyKey, readLimitsOf);
    if (!s)
        return s.error();
    return AccessSnapshot{keys.take(), groups.take(), *counter};
}

} // namespace

Result<AccessSnapshot> KeyStore::accessSnapshot() const {
    return readTransaction<AccessSnapshot>(m_db, [&](const QSqlDatabase &connection) {
        return readAccess(connection, QString(), QByteArray());
    });
}

Result<qint64>
KeyStore::forEachSecretHash(const std::function<void(QByteArrayView hash)> &found) const {
    return readTransaction<qint64>(m_db, [&](const QSqlDatabase &connection) -> Result<qint64> {
        const QString doing = QStringLiteral("reading the keys' secrets");
        const Result<qint64> counter = readChangeCounter(connection);
        if (!counter)
            return counter.error();
        QSqlQuery query(connection);
        query.setForwardOnly(true);
        if (Status s = prepare(query, QStringLiteral("SELECT secret_hash FROM key_secrets"), doing);
            !s)
            return s.error();
        if (Status s = exec(query, doing); !s)
            return s.error();
        while (query.next()) {
            const QString hash = query.value(0).toString();
            char latin1[64];
            if (hash.size() != qsizetype(sizeof latin1))
                continue;
            for (qsizetype i = 0; i < hash.size(); ++i)
                latin1[i] = char(hash.at(i).unicode());
            found(QByteArrayView(latin1, sizeof latin1));
        }
        return *counter;
    });
}

Result<AccessSnapshot> KeyStore::accessBySecret(const QByteArray &secretHash) const {
    return readTransaction<AccessSnapshot>(
        m_db, [&](const QSqlDatabase &connection) -> Result<AccessSnapshot> {
            QSqlQuery query(connection);
            const QString doing = QStringLiteral("reading a key");
            if (Status s = prepare(query,
                                   QStringLiteral("SELECT key_uuid FROM key_secrets WHERE "
                                                  "secret_hash = ?"),
                                   doing);
                !s)
                return s.error();
            query.addBindValue(QString::fromLatin1(secretHash));
            if (Status s = exec(query, doing); !s)
                return s.error();
            if (!query.next()) {
                // No such key: only the change counter, so that the answer can be kept until the
                // next change.
                const Result<qint64> counter = readChangeCounter(connection);
                if (!counter)
                    return counter.error();
                return AccessSnapshot{{}, {}, *counter};
            }
            const QString keyUuid = query.value(0).toString();
            query.finish();
            return readAccess(connection, keyUuid, secretHash);
        });
}

} // namespace portico::store
