#include "store/keystore.h"

#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/storeinternal.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <stdexcept>

namespace portico::store {

using namespace detail;

Result<QString> validateName(const QString &name, const QString &kind) {
    const QString trimmed = name.trimmed();
    const auto invalid = [](const QString &message) {
        return Error{Error::Code::InvalidName, message};
    };
    if (trimmed.isEmpty())
        return invalid(QStringLiteral("The %1 name is empty. Give the %1 a name.").arg(kind));
    if (!trimmed.isValidUtf16())
        return invalid(QStringLiteral("The %1 name is not valid text (broken UTF-16). Type the "
                                      "name again.")
                           .arg(kind));
    const QList<uint> codePoints = trimmed.toUcs4();
    if (codePoints.size() > kMaxNameLength)
        return invalid(QStringLiteral("The %1 name is %2 characters long; the limit is %3. Choose "
                                      "a shorter name.")
                           .arg(kind)
                           .arg(codePoints.size())
                           .arg(kMaxNameLength));
    for (uint codePoint : codePoints) {
        const auto category = QChar::category(char32_t(codePoint));
        // Line and paragraph separators break one-line listings just like a newline does.
        if (category == QChar::Other_Control || category == QChar::Separator_Line ||
            category == QChar::Separator_Paragraph)
            return invalid(QStringLiteral("The %1 name contains a control character (a newline, "
                                          "tab or similar). Use a name on one line without "
                                          "control characters.")
                               .arg(kind));
    }
    // Names are shown in lists, logs and the audit trail: a key pasted into one would leak.
    if (containsApiKey(trimmed))
        return invalid(QStringLiteral("The %1 name contains an API key. Names are shown in lists "
                                      "and logs; choose a name without the key.")
                           .arg(kind));
    return trimmed;
}

namespace {

KeyState stateFromDb(const QString &text) {
    return text == QLatin1String("disabled") ? KeyState::Disabled : KeyState::Active;
}

// Loads one key (`onlyUuid`) or all keys, with their groups and routes, sorted as listKeys says.
Result<QList<ApiKeyRecord>> loadKeys(const QSqlDatabase &connection, const QString &onlyUuid = {}) {
    const QString doing = QStringLiteral("reading API keys");
    const bool one = !onlyUuid.isEmpty();
    QList<ApiKeyRecord> keys;
    QHash<QString, qsizetype> indexByUuid;
    {
        QSqlQuery query(connection);
        if (Status s =
                prepare(query,
                        QStringLiteral("SELECT uuid, name, key_hint, state, created_at, "
                                       "updated_at, last_used_at, expires_at FROM api_keys") +
                            (one ? QStringLiteral(" WHERE uuid = ?") : QString()) +
                            QStringLiteral(" ORDER BY created_at, name"),
                        doing);
            !s)
            return s.error();
        if (one)
            query.addBindValue(onlyUuid);
        if (Status s = exec(query, doing); !s)
            return s.error();
        while (query.next()) {
            ApiKeyRecord key;
            key.uuid = query.value(0).toString();
            key.name = query.value(1).toString();
            key.hint = query.value(2).toString();
            key.state = stateFromDb(query.value(3).toString());
            key.createdAt = timeFromDb(query.value(4));
            key.updatedAt = timeFromDb(query.value(5));
            key.lastUsedAt = timeFromDb(query.value(6));
            key.expiresAt = timeFromDb(query.value(7));
            indexByUuid.insert(key.uuid, keys.size());
            keys.append(key);
        }
    }
    {
        QSqlQuery query(connection);
        if (Status s =
                prepare(query,
                        QStringLiteral("SELECT kg.key_uuid, g.uuid, g.name FROM key_groups kg"
                                       " JOIN groups g ON g.uuid = kg.group_uuid") +
                            (one ? QStringLiteral(" WHERE kg.key_uuid = ?") : QString()) +
                            QStringLiteral(" ORDER BY g.name, g.uuid"),
                        doing);
            !s)
            return s.error();
        if (one)
            query.addBindValue(onlyUuid);
        if (Status s = exec(query, doing); !s)
            return s.error();
        while (query.next()) {
            const auto it = indexByUuid.constFind(query.value(0).toString());
            if (it != indexByUuid.constEnd())
                keys[*it].groups.append(
                    GroupRef{query.value(1).toString(), query.value(2).toString()});
        }
    }
    {
        QSqlQuery query(connection);
        if (Status s = prepare(query,
                               QStringLiteral("SELECT kg.key_uuid, gr.route_name, g.uuid, g.name"
                                              " FROM key_groups kg"
                                              " JOIN groups g ON g.uuid = kg.group_uuid"
                                              " JOIN group_routes gr ON gr.group_uuid = g.uuid") +
                                   (one ? QStringLiteral(" WHERE kg.key_uuid = ?") : QString()) +
                                   QStringLiteral(" ORDER BY gr.route_name, g.name, g.uuid"),
                               doing);
            !s)
            return s.error();
        if (one)
            query.addBindValue(onlyUuid);
        if (Status s = exec(query, doing); !s)
            return s.error();
        while (query.next()) {
            const auto it = indexByUuid.constFind(query.value(0).toString());
            if (it != indexByUuid.constEnd())
                keys[*it].routes.append(
                    RouteGrant{query.value(1).toString(),
                               GroupRef{query.value(2).toString(), query.value(3).toString()}});
        }
    }
    return keys;
}

Result<ApiKeyRecord> loadKey(const QSqlDatabase &connection, const QString &uuid) {
    Result<QList<ApiKeyRecord>> keys = loadKeys(connection, uuid);
    if (!keys)
        return keys.error();
    if (keys->isEmpty())
        return Error{Error::Code::NotFound,
                     QStringLiteral("No API key with UUID '%1'. Check `portico-gateway keys "
                                    "list`.")
                         .arg(uuid)};
    return keys->first();
}

Status checkKeyNameFree(const QSqlDatabase &connection, const QString &name,
                        const QString &exceptUuid) {
    QSqlQuery query(connection);
    const QString doing = QStringLiteral("checking the key name");
    if (Status s =
            prepare(query, QStringLiteral("SELECT uuid FROM api_keys WHERE name = ?"), doing);
        !s)
        return s;
    query.addBindValue(name);
    if (Status s = exec(query, doing); !s)
        return s;
    if (query.next() && query.value(0).toString() != exceptUuid)
        return Error{
            Error::Code::Duplicate,
            QStringLiteral("A key named '%1' already exists. Choose another name.").arg(name)};
    return {};
}

Result<QString> groupName(const QSqlDatabase &connection, const QString &groupUuid) {
    QSqlQuery query(connection);
    const QString doing = QStringLiteral("reading a group");
    if (Status s = prepare(query, QStringLiteral("SELECT name FROM groups WHERE uuid = ?"), doing);
        !s)
        return s.error();
    query.addBindValue(groupUuid);
    if (Status s = exec(query, doing); !s)
        return s.error();
    if (!query.next())
        return Error{Error::Code::NotFound, QStringLiteral("The group was deleted meanwhile.")};
    return query.value(0).toString();
}

bool isMember(const QSqlDatabase &connection, const QString &keyUuid, const QString &groupUuid,
              Error *error) {
    QSqlQuery query(connection);
    const QString doing = QStringLiteral("reading group membership");
    Status s = prepare(query,
                       QStringLiteral("SELECT 1 FROM key_groups WHERE key_uuid = ? AND "
                                      "group_uuid = ?"),
                       doing);
    if (s) {
        query.addBindValue(keyUuid);
        query.addBindValue(groupUuid);
        s = exec(query, doing);
    }
    if (!s) {
        *error = s.error();
        return false;
    }
    return query.next();
}

} // namespace

KeyStore::KeyStore(Database &db, QString actor)
    : m_db(db)
    , m_actor(std::move(actor)) {}

Result<CreatedKey> KeyStore::createKey(const QString &name, const QStringList &groupRefs,
                                       const QDateTime &expiresAt) {
    const Result<QString> validName = validateName(name, QStringLiteral("key"));
    if (!validName)
        return validName.error();

    return writeTransaction<CreatedKey>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<CreatedKey> {
            if (Status free = checkKeyNameFree(connection, *validName, {}); !free)
                return free.error();

            // Every group must exist before anything is written; the transaction undoes the rest
            // anyway.
            QStringList groupUuids;
            QJsonArray groupNames;
            for (const QString &ref : groupRefs) {
                const Result<QString> groupUuid = resolveGroupUuid(connection, ref);
                if (!groupUuid)
                    return groupUuid.error();
                if (groupUuids.contains(*groupUuid))
                    continue;
                const Result<QString> nameOfGroup = groupName(connection, *groupUuid);
                if (!nameOfGroup)
                    return nameOfGroup.error();
                groupUuids.append(*groupUuid);
                groupNames.append(*nameOfGroup);
            }

            QString key;
            try {
                key = apikey::generate();
            } catch (const std::runtime_error &) {
                return Error{
                    Error::Code::Database,
                    QStringLiteral("The system's random number generator failed, so no key was "
                                   "created. Try again; if it persists, check the system's "
                                   "entropy source.")};
            }
            const QString uuid = newUuid();
            const qint64 now = nowMs();
            const QString doing = QStringLiteral("creating the key");
            {
                if (Status s =
                        run(connection,
                            QStringLiteral("INSERT INTO api_keys (uuid, name, key_hash, key_hint, "
                                           "state, created_at, updated_at, last_used_at, "
                                           "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                            {uuid, *validName, QString::fromLatin1(apikey::hash(key)),
                             apikey::hint(key), toString(KeyState::Active), now, now,
                             timeToDb(QDateTime()), timeToDb(expiresAt)},
                            doing);
                    !s)
                    return s.error();
            }
            for (const QString &groupUuid : std::as_const(groupUuids)) {
                if (Status s = run(connection,
                                   QStringLiteral("INSERT INTO key_groups (key_uuid, group_uuid) "
                                                  "VALUES (?, ?)"),
                                   {uuid, groupUuid}, doing);
                    !s)
                    return s.error();
            }
            QJsonObject details{{QStringLiteral("name"), *validName},
                                {QStringLiteral("groups"), groupNames}};
            if (expiresAt.isValid())
                details.insert(QStringLiteral("expires_at"),
                               expiresAt.toUTC().toString(Qt::ISODateWithMs));
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("key.create"),
                                      QStringLiteral("key"), uuid, details);
                !s)
                return s.error();

            Result<ApiKeyRecord> record = loadKey(connection, uuid);
            if (!record)
                return record.error();
            return CreatedKey{std::move(record).value(), key};
        });
}

Result<QList<ApiKeyRecord>> KeyStore::listKeys() const {
    return readTransaction<QList<ApiKeyRecord>>(
        m_db, [&](const QSqlDatabase &connection) -> Result<QList<ApiKeyRecord>> {
            return loadKeys(connection);
        });
}

Result<ApiKeyRecord> KeyStore::key(const QString &keyRef) const {
    return readTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            return loadKey(connection, *uuid);
        });
}

Result<ApiKeyRecord> KeyStore::renameKey(const QString &keyRef, const QString &newName) {
    const Result<QString> validName = validateName(newName, QStringLiteral("key"));
    if (!validName)
        return validName.error();
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            const Result<ApiKeyRecord> before = loadKey(connection, *uuid);
            if (!before)
                return before.error();
            if (before->name == *validName) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }
            if (Status free = checkKeyNameFree(connection, *validName, *uuid); !free)
                return free.error();

            const QString doing = QStringLiteral("renaming the key");
            if (Status s = run(connection,
                               QStringLiteral("UPDATE api_keys SET name = ?, updated_at = ? "
                                              "WHERE uuid = ?"),
                               {*validName, nowMs(), *uuid}, doing);
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("key.rename"),
                                      QStringLiteral("key"), *uuid,
                                      {{QStringLiteral("old_name"), before->name},
                                       {QStringLiteral("new_name"), *validName}});
                !s)
                return s.error();
            return loadKey(connection, *uuid);
        });
}

Result<ApiKeyRecord> KeyStore::setKeyState(const QString &keyRef, KeyState state) {
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            const Result<ApiKeyRecord> before = loadKey(connection, *uuid);
            if (!before)
                return before.error();
            if (before->state == state) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }

            const QString doing = QStringLiteral("changing the key's state");
            if (Status s = run(connection,
                               QStringLiteral("UPDATE api_keys SET state = ?, updated_at = ? "
                                              "WHERE uuid = ?"),
                               {toString(state), nowMs(), *uuid}, doing);
                !s)
                return s.error();
            const QString action = state == KeyState::Active ? QStringLiteral("key.enable")
                                                             : QStringLiteral("key.disable");
            if (Status s = writeAudit(connection, m_actor, action, QStringLiteral("key"), *uuid,
                                      {{QStringLiteral("name"), before->name}});
                !s)
                return s.error();
            return loadKey(connection, *uuid);
        });
}

Result<ApiKeyRecord> KeyStore::setKeyExpiry(const QString &keyRef, const QDateTime &expiresAt) {
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            const Result<ApiKeyRecord> before = loadKey(connection, *uuid);
            if (!before)
                return before.error();
            // Stored with millisecond precision: compare what would be stored.
            if (timeToDb(before->expiresAt) == timeToDb(expiresAt)) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }

            const QString doing = QStringLiteral("changing the key's expiry");
            if (Status s = run(connection,
                               QStringLiteral("UPDATE api_keys SET expires_at = ?, updated_at = ? "
                                              "WHERE uuid = ?"),
                               {timeToDb(expiresAt), nowMs(), *uuid}, doing);
                !s)
                return s.error();
            const auto isoOrNull = [](const QDateTime &time) {
                return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs))
                                      : QJsonValue(QJsonValue::Null);
            };
            if (Status s =
                    writeAudit(connection, m_actor, QStringLiteral("key.set_expiry"),
                               QStringLiteral("key"), *uuid,
                               {{QStringLiteral("name"), before->name},
                                {QStringLiteral("old_expires_at"), isoOrNull(before->expiresAt)},
                                {QStringLiteral("expires_at"), isoOrNull(expiresAt)}});
                !s)
                return s.error();
            return loadKey(connection, *uuid);
        });
}

Result<ApiKeyRecord> KeyStore::deleteKey(const QString &keyRef) {
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            Result<ApiKeyRecord> before = loadKey(connection, *uuid);
            if (!before)
                return before.error();

            const QString doing = QStringLiteral("deleting the key");
            // Links are deleted explicitly as well, so the result does not depend on
            // foreign_keys=ON.
            for (const QString &sql : {QStringLiteral("DELETE FROM key_groups WHERE key_uuid = ?"),
                                       QStringLiteral("DELETE FROM api_keys WHERE uuid = ?")}) {
                QSqlQuery query(connection);
                if (Status s = prepare(query, sql, doing); !s)
                    return s.error();
                query.addBindValue(*uuid);
                if (Status s = exec(query, doing); !s)
                    return s.error();
            }
            QJsonArray groupNames;
            for (const GroupRef &group : std::as_const(before->groups))
                groupNames.append(group.name);
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("key.delete"),
                                      QStringLiteral("key"), *uuid,
                                      {{QStringLiteral("name"), before->name},
                                       {QStringLiteral("groups"), groupNames}});
                !s)
                return s.error();
            return before;
        });
}

Result<ApiKeyRecord> KeyStore::addKeyToGroup(const QString &keyRef, const QString &groupRef) {
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            const Result<QString> groupUuid = resolveGroupUuid(connection, groupRef);
            if (!groupUuid)
                return groupUuid.error();
            Error error;
            const bool member = isMember(connection, *uuid, *groupUuid, &error);
            if (!error.message.isEmpty())
                return error;
            if (member) {
                unchanged = true; // already so: nothing to write or audit
                return loadKey(connection, *uuid);
            }

            const QString doing = QStringLiteral("adding the key to the group");
            if (Status s = run(connection,
                               QStringLiteral("INSERT INTO key_groups (key_uuid, group_uuid) "
                                              "VALUES (?, ?)"),
                               {*uuid, *groupUuid}, doing);
                !s)
                return s.error();
            Result<ApiKeyRecord> after = loadKey(connection, *uuid);
            if (!after)
                return after.error();
            const Result<QString> nameOfGroup = groupName(connection, *groupUuid);
            if (!nameOfGroup)
                return nameOfGroup.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("key.add_group"),
                                      QStringLiteral("key"), *uuid,
                                      {{QStringLiteral("name"), after->name},
                                       {QStringLiteral("group"), *nameOfGroup},
                                       {QStringLiteral("group_uuid"), *groupUuid}});
                !s)
                return s.error();
            return after;
        });
}

Result<ApiKeyRecord> KeyStore::removeKeyFromGroup(const QString &keyRef, const QString &groupRef) {
    return writeTransaction<ApiKeyRecord>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<ApiKeyRecord> {
            const Result<QString> uuid = resolveKeyUuid(connection, keyRef);
            if (!uuid)
                return uuid.error();
            const Result<QString> groupUuid = resolveGroupUuid(connection, groupRef);
            if (!groupUuid)
                return groupUuid.error();
            const Result<ApiKeyRecord> before = loadKey(connection, *uuid);
            if (!before)
                return before.error();
            const Result<QString> nameOfGroup = groupName(connection, *groupUuid);
            if (!nameOfGroup)
                return nameOfGroup.error();
            Error error;
            const bool member = isMember(connection, *uuid, *groupUuid, &error);
            if (!error.message.isEmpty())
                return error;
            if (!member)
                return Error{
                    Error::Code::NotFound,
                    QStringLiteral("The key '%1' is not in the group '%2', so there is nothing to "
                                   "remove. Check `portico-gateway keys show %3`.")
                        .arg(before->name, *nameOfGroup, before->uuid)};

            const QString doing = QStringLiteral("removing the key from the group");
            if (Status s = run(connection,
                               QStringLiteral("DELETE FROM key_groups WHERE key_uuid = ? AND "
                                              "group_uuid = ?"),
                               {*uuid, *groupUuid}, doing);
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("key.remove_group"),
                                      QStringLiteral("key"), *uuid,
                                      {{QStringLiteral("name"), before->name},
                                       {QStringLiteral("group"), *nameOfGroup},
                                       {QStringLiteral("group_uuid"), *groupUuid}});
                !s)
                return s.error();
            return loadKey(connection, *uuid);
        });
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

Result<AccessSnapshot> KeyStore::accessSnapshot() const {
    return readTransaction<AccessSnapshot>(
        m_db, [&](const QSqlDatabase &connection) -> Result<AccessSnapshot> {
            const QString doing = QStringLiteral("reading keys and groups");
            AccessSnapshot snapshot;

            const Result<qint64> counter = readChangeCounter(connection);
            if (!counter)
                return counter.error();
            snapshot.changeCounter = *counter;

            QHash<QString, qsizetype> keyIndex;
            {
                QSqlQuery query(connection);
                if (!query.exec(QStringLiteral("SELECT uuid, name, key_hash, state, expires_at "
                                               "FROM api_keys ORDER BY uuid")))
                    return databaseError(query.lastError(), doing);
                while (query.next()) {
                    AccessSnapshot::Key key;
                    key.uuid = query.value(0).toString();
                    key.name = query.value(1).toString();
                    key.hash = query.value(2).toString().toLatin1();
                    key.state = stateFromDb(query.value(3).toString());
                    key.expiresAt = timeFromDb(query.value(4));
                    keyIndex.insert(key.uuid, snapshot.keys.size());
                    snapshot.keys.append(key);
                }
            }
            {
                QSqlQuery query(connection);
                if (!query.exec(QStringLiteral("SELECT key_uuid, group_uuid FROM key_groups "
                                               "ORDER BY key_uuid, group_uuid")))
                    return databaseError(query.lastError(), doing);
                while (query.next()) {
                    const auto it = keyIndex.constFind(query.value(0).toString());
                    if (it != keyIndex.constEnd())
                        snapshot.keys[*it].groupUuids.append(query.value(1).toString());
                }
            }
            QHash<QString, qsizetype> groupIndex;
            {
                QSqlQuery query(connection);
                if (!query.exec(QStringLiteral("SELECT uuid, name FROM groups ORDER BY name")))
                    return databaseError(query.lastError(), doing);
                while (query.next()) {
                    AccessSnapshot::Group group;
                    group.uuid = query.value(0).toString();
                    group.name = query.value(1).toString();
                    groupIndex.insert(group.uuid, snapshot.groups.size());
                    snapshot.groups.append(group);
                }
            }
            {
                QSqlQuery query(connection);
                if (!query.exec(QStringLiteral("SELECT group_uuid, route_name FROM group_routes "
                                               "ORDER BY group_uuid, route_name")))
                    return databaseError(query.lastError(), doing);
                while (query.next()) {
                    const auto it = groupIndex.constFind(query.value(0).toString());
                    if (it != groupIndex.constEnd())
                        snapshot.groups[*it].routes.append(query.value(1).toString());
                }
            }
            return snapshot;
        });
}

} // namespace portico::store
