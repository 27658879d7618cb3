#include "store/groupstore.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/storeinternal.h"

#include <QHash>
#include <QJsonArray>

namespace portico::store {

using namespace detail;

namespace {

// Loads one group (`onlyUuid`) or all groups with their members and routes, sorted by name.
Result<QList<GroupRecord>> loadGroups(const QSqlDatabase &connection,
                                      const QString &onlyUuid = {}) {
    const QString doing = QStringLiteral("reading groups");
    const bool one = !onlyUuid.isEmpty();
    QList<GroupRecord> groups;
    QHash<QString, qsizetype> indexByUuid;
    {
        QSqlQuery query(connection);
        if (Status s = prepare(query,
                               QStringLiteral("SELECT uuid, name, description, created_at "
                                              "FROM groups") +
                                   (one ? QStringLiteral(" WHERE uuid = ?") : QString()) +
                                   QStringLiteral(" ORDER BY name"),
                               doing);
            !s)
            return s.error();
        if (one)
            query.addBindValue(onlyUuid);
        if (Status s = exec(query, doing); !s)
            return s.error();
        while (query.next()) {
            GroupRecord group;
            group.uuid = query.value(0).toString();
            group.name = query.value(1).toString();
            group.description = query.value(2).toString();
            group.createdAt = timeFromDb(query.value(3));
            indexByUuid.insert(group.uuid, groups.size());
            groups.append(group);
        }
    }
    {
        QSqlQuery query(connection);
        if (Status s = prepare(query,
                               QStringLiteral("SELECT kg.group_uuid, k.uuid, k.name "
                                              "FROM key_groups kg "
                                              "JOIN api_keys k ON k.uuid = kg.key_uuid") +
                                   (one ? QStringLiteral(" WHERE kg.group_uuid = ?") : QString()) +
                                   QStringLiteral(" ORDER BY k.name, k.uuid"),
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
                groups[*it].keys.append(
                    KeyRef{query.value(1).toString(), query.value(2).toString()});
        }
    }
    {
        QSqlQuery query(connection);
        if (Status s = prepare(query,
                               QStringLiteral("SELECT group_uuid, route_name FROM group_routes") +
                                   (one ? QStringLiteral(" WHERE group_uuid = ?") : QString()) +
                                   QStringLiteral(" ORDER BY route_name"),
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
                groups[*it].routes.append(query.value(1).toString());
        }
    }
    return groups;
}

Result<GroupRecord> loadGroup(const QSqlDatabase &connection, const QString &uuid) {
    Result<QList<GroupRecord>> groups = loadGroups(connection, uuid);
    if (!groups)
        return groups.error();
    if (groups->isEmpty())
        return Error{Error::Code::NotFound,
                     QStringLiteral("No group with UUID '%1'. Check `portico-gateway groups list`.")
                         .arg(uuid)};
    return groups->first();
}

Status checkGroupNameFree(const QSqlDatabase &connection, const QString &name,
                          const QString &exceptUuid) {
    QSqlQuery query(connection);
    const QString doing = QStringLiteral("checking the group name");
    if (Status s = prepare(query, QStringLiteral("SELECT uuid FROM groups WHERE name = ?"), doing);
        !s)
        return s;
    query.addBindValue(name);
    if (Status s = exec(query, doing); !s)
        return s;
    if (query.next() && query.value(0).toString() != exceptUuid)
        return Error{
            Error::Code::Duplicate,
            QStringLiteral("A group named '%1' already exists. Choose another name.").arg(name)};
    return {};
}

// A null QString binds as SQL NULL; descriptions are NOT NULL and default to empty text.
QString emptyIfNull(const QString &text) {
    return text.isNull() ? QString(QLatin1String("")) : text;
}

Result<QString> validateRoute(const QString &route) {
    Result<QString> name = validateName(route, QStringLiteral("route"));
    return name;
}

} // namespace

GroupStore::GroupStore(Database &db, QString actor)
    : m_db(db)
    , m_actor(std::move(actor)) {}

Result<GroupRecord> GroupStore::createGroup(const QString &name, const QString &description) {
    const Result<QString> validName = validateName(name, QStringLiteral("group"));
    if (!validName)
        return validName.error();
    const QString cleanDescription = emptyIfNull(description.trimmed());
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<GroupRecord> {
            if (Status free = checkGroupNameFree(connection, *validName, {}); !free)
                return free.error();
            const QString uuid = newUuid();
            if (Status s =
                    run(connection,
                        QStringLiteral("INSERT INTO groups (uuid, name, description, created_at) "
                                       "VALUES (?, ?, ?, ?)"),
                        {uuid, *validName, cleanDescription, nowMs()},
                        QStringLiteral("creating the group"));
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("group.create"),
                                      QStringLiteral("group"), uuid,
                                      {{QStringLiteral("name"), *validName},
                                       {QStringLiteral("description"), cleanDescription}});
                !s)
                return s.error();
            return loadGroup(connection, uuid);
        });
}

Result<QList<GroupRecord>> GroupStore::listGroups() const {
    return readTransaction<QList<GroupRecord>>(
        m_db, [&](const QSqlDatabase &connection) -> Result<QList<GroupRecord>> {
            return loadGroups(connection);
        });
}

Result<GroupRecord> GroupStore::group(const QString &groupRef) const {
    return readTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            return loadGroup(connection, *uuid);
        });
}

Result<GroupRecord> GroupStore::renameGroup(const QString &groupRef, const QString &newName) {
    const Result<QString> validName = validateName(newName, QStringLiteral("group"));
    if (!validName)
        return validName.error();
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            const Result<GroupRecord> before = loadGroup(connection, *uuid);
            if (!before)
                return before.error();
            if (before->name == *validName) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }
            if (Status free = checkGroupNameFree(connection, *validName, *uuid); !free)
                return free.error();
            if (Status s =
                    run(connection, QStringLiteral("UPDATE groups SET name = ? WHERE uuid = ?"),
                        {*validName, *uuid}, QStringLiteral("renaming the group"));
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("group.rename"),
                                      QStringLiteral("group"), *uuid,
                                      {{QStringLiteral("old_name"), before->name},
                                       {QStringLiteral("new_name"), *validName}});
                !s)
                return s.error();
            return loadGroup(connection, *uuid);
        });
}

Result<GroupRecord> GroupStore::setDescription(const QString &groupRef,
                                               const QString &description) {
    const QString cleanDescription = emptyIfNull(description.trimmed());
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            const Result<GroupRecord> before = loadGroup(connection, *uuid);
            if (!before)
                return before.error();
            if (before->description == cleanDescription) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }
            if (Status s = run(
                    connection, QStringLiteral("UPDATE groups SET description = ? WHERE uuid = ?"),
                    {cleanDescription, *uuid}, QStringLiteral("changing the description"));
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("group.describe"),
                                      QStringLiteral("group"), *uuid,
                                      {{QStringLiteral("name"), before->name},
                                       {QStringLiteral("old_description"), before->description},
                                       {QStringLiteral("description"), cleanDescription}});
                !s)
                return s.error();
            return loadGroup(connection, *uuid);
        });
}

Result<GroupRecord> GroupStore::deleteGroup(const QString &groupRef) {
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            Result<GroupRecord> before = loadGroup(connection, *uuid);
            if (!before)
                return before.error();
            const QString doing = QStringLiteral("deleting the group");
            // Explicit deletes, so the result does not depend on foreign_keys=ON.
            for (const QString &sql :
                 {QStringLiteral("DELETE FROM key_groups WHERE group_uuid = ?"),
                  QStringLiteral("DELETE FROM group_routes WHERE group_uuid = ?"),
                  QStringLiteral("DELETE FROM groups WHERE uuid = ?")}) {
                if (Status s = run(connection, sql, {*uuid}, doing); !s)
                    return s.error();
            }
            QJsonArray keyNames;
            for (const KeyRef &key : std::as_const(before->keys))
                keyNames.append(key.name);
            if (Status s = writeAudit(
                    connection, m_actor, QStringLiteral("group.delete"), QStringLiteral("group"),
                    *uuid,
                    {{QStringLiteral("name"), before->name},
                     {QStringLiteral("keys"), keyNames},
                     {QStringLiteral("routes"), QJsonArray::fromStringList(before->routes)}});
                !s)
                return s.error();
            return before;
        });
}

Result<GroupRecord> GroupStore::addRoute(const QString &groupRef, const QString &route) {
    const Result<QString> routeName = validateRoute(route);
    if (!routeName)
        return routeName.error();
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            const Result<GroupRecord> before = loadGroup(connection, *uuid);
            if (!before)
                return before.error();
            if (before->routes.contains(*routeName)) {
                unchanged = true; // already so: nothing to write or audit
                return before;
            }
            if (Status s = run(connection,
                               QStringLiteral("INSERT INTO group_routes (group_uuid, route_name) "
                                              "VALUES (?, ?)"),
                               {*uuid, *routeName}, QStringLiteral("adding the route"));
                !s)
                return s.error();
            if (Status s = writeAudit(connection, m_actor, QStringLiteral("group.add_route"),
                                      QStringLiteral("group"), *uuid,
                                      {{QStringLiteral("name"), before->name},
                                       {QStringLiteral("route"), *routeName}});
                !s)
                return s.error();
            return loadGroup(connection, *uuid);
        });
}

Result<GroupRecord> GroupStore::removeRoute(const QString &groupRef, const QString &route) {
    const Result<QString> validRoute = validateRoute(route);
    if (!validRoute)
        return validRoute.error();
    const QString routeName = *validRoute;
    return writeTransaction<GroupRecord>(
        m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<GroupRecord> {
            const Result<QString> uuid = resolveGroupUuid(connection, groupRef);
            if (!uuid)
                return uuid.error();
            const Result<GroupRecord> before = loadGroup(connection, *uuid);
            if (!before)
                return before.error();
            if (!before->routes.contains(routeName))
                return Error{
                    Error::Code::NotFound,
                    QStringLiteral("The group '%1' does not grant a route named '%2', so there "
                                   "is nothing to remove. Check `portico-gateway groups show "
                                   "%3`.")
                        .arg(before->name, routeName, before->uuid)};
            if (Status s = run(connection,
                               QStringLiteral("DELETE FROM group_routes WHERE group_uuid = ? AND "
                                              "route_name = ?"),
                               {*uuid, routeName}, QStringLiteral("removing the route"));
                !s)
                return s.error();
            if (Status s = writeAudit(
                    connection, m_actor, QStringLiteral("group.remove_route"),
                    QStringLiteral("group"), *uuid,
                    {{QStringLiteral("name"), before->name}, {QStringLiteral("route"), routeName}});
                !s)
                return s.error();
            return loadGroup(connection, *uuid);
        });
}

} // namespace portico::store
