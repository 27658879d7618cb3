#include "store/groupstore.h"

#include "store/database.h"
#include "store/storeobjects.h"

#include <QJsonArray>

namespace portico::store {

using namespace detail;

namespace {

// Loads one group (`onlyUuid`) or all groups with their members and routes, sorted by name.
Result<QList<GroupRecord>> loadGroups(const QSqlDatabase &connection, const QString &onlyUuid) {
    const QString doing = QStringLiteral("reading groups");
    LoadedRecords<GroupRecord> groups;
    const auto readGroup = [&](const QSqlQuery &row) {
        groups.add(GroupRecord{row.value(0).toString(),
                               row.value(1).toString(),
                               row.value(2).toString(),
                               timeFromDb(row.value(3)),
                               {},
                               {},
                               {}});
    };
    const auto readMember = [&](const QSqlQuery &row) {
        if (GroupRecord *group = groups.find(row.value(0).toString()))
            group->keys.append(KeyRef{row.value(1).toString(), row.value(2).toString()});
    };
    const auto readRoute = [&](const QSqlQuery &row) {
        if (GroupRecord *group = groups.find(row.value(0).toString()))
            group->routes.append(row.value(1).toString());
    };
    Status s = readRows(connection,
                        QStringLiteral("SELECT uuid, name, description, created_at FROM groups"),
                        QStringLiteral("uuid"), QStringLiteral("name"), onlyUuid, doing, readGroup);
    if (s)
        s = readRows(connection,
                     QStringLiteral("SELECT kg.group_uuid, k.uuid, k.name FROM key_groups kg "
                                    "JOIN api_keys k ON k.uuid = kg.key_uuid"),
                     QStringLiteral("kg.group_uuid"), QStringLiteral("k.name, k.uuid"), onlyUuid,
                     doing, readMember);
    if (s)
        s = readRows(connection, QStringLiteral("SELECT group_uuid, route_name FROM group_routes"),
                     QStringLiteral("group_uuid"), QStringLiteral("route_name"), onlyUuid, doing,
                     readRoute);
    if (s)
        s = readLimits(connection, onlyUuid, [&](const QString &uuid, const Limits &limits) {
            if (GroupRecord *group = groups.find(uuid))
                group->limits = limits;
        });
    if (!s)
        return s.error();
    return groups.take();
}

const ObjectKind<GroupRecord> kGroups{groupTable(), loadGroups};

// Descriptions are trimmed; a null QString would bind as SQL NULL, and the column is NOT NULL.
QString cleanDescription(const QString &text) {
    const QString trimmed = text.trimmed();
    return trimmed.isNull() ? QString(QLatin1String("")) : trimmed;
}

} // namespace

GroupStore::GroupStore(Database &db, QString actor)
    : m_db(db)
    , m_actor(std::move(actor)) {}

Result<GroupRecord> GroupStore::setLimits(const QString &groupRef, const LimitsChange &limits) {
    return ObjectStore(m_db, m_actor, kGroups).setLimits(groupRef, limits);
}

Result<GroupRecord> GroupStore::createGroup(const QString &name, const QString &description) {
    const QString text = cleanDescription(description);
    return ObjectStore(m_db, m_actor, kGroups)
        .create(name,
                [&](const QSqlDatabase &, const QString &uuid,
                    const QString &validName) -> Result<Edit> {
                    return Edit{{{QStringLiteral("INSERT INTO groups (uuid, name, description, "
                                                 "created_at) VALUES (?, ?, ?, ?)"),
                                  {uuid, validName, text, nowMs()}}},
                                QStringLiteral("creating the group"),
                                QStringLiteral("create"),
                                {{QStringLiteral("name"), validName},
                                 {QStringLiteral("description"), text}}};
                });
}

Result<QList<GroupRecord>> GroupStore::listGroups() const {
    return ObjectStore(m_db, m_actor, kGroups).list();
}

Result<GroupRecord> GroupStore::group(const QString &groupRef) const {
    return ObjectStore(m_db, m_actor, kGroups).find(groupRef);
}

Result<GroupRecord> GroupStore::renameGroup(const QString &groupRef, const QString &newName) {
    return ObjectStore(m_db, m_actor, kGroups).rename(groupRef, newName);
}

Result<GroupRecord> GroupStore::setDescription(const QString &groupRef,
                                               const QString &description) {
    const QString text = cleanDescription(description);
    return ObjectStore(m_db, m_actor, kGroups)
        .change(groupRef, [&](const QSqlDatabase &, const GroupRecord &before) -> Plan {
            if (before.description == text)
                return nothingToDo();
            return edit(
                {{groupTable().update(before.uuid, {{QStringLiteral("description"), text}})},
                 QStringLiteral("changing the description"),
                 QStringLiteral("describe"),
                 {{QStringLiteral("name"), before.name},
                  {QStringLiteral("old_description"), before.description},
                  {QStringLiteral("description"), text}}});
        });
}

Result<GroupRecord> GroupStore::deleteGroup(const QString &groupRef) {
    return ObjectStore(m_db, m_actor, kGroups).remove(groupRef, [](const GroupRecord &before) {
        QJsonArray keyNames;
        for (const KeyRef &key : before.keys)
            keyNames.append(key.name);
        return QJsonObject{{QStringLiteral("name"), before.name},
                           {QStringLiteral("keys"), keyNames},
                           {QStringLiteral("routes"), QJsonArray::fromStringList(before.routes)}};
    });
}

Result<GroupRecord> GroupStore::addRoute(const QString &groupRef, const QString &route) {
    return changeRoute(groupRef, route, true);
}

Result<GroupRecord> GroupStore::removeRoute(const QString &groupRef, const QString &route) {
    return changeRoute(groupRef, route, false);
}

Result<GroupRecord> GroupStore::changeRoute(const QString &groupRef, const QString &route,
                                            bool grant) {
    const Result<QString> routeName = validateName(route, Error::Subject::Route);
    if (!routeName)
        return routeName.error();
    return ObjectStore(m_db, m_actor, kGroups)
        .change(groupRef, [&](const QSqlDatabase &connection, const GroupRecord &group) -> Plan {
            Edit change{
                {},
                grant ? QStringLiteral("adding the route") : QStringLiteral("removing the route"),
                grant ? QStringLiteral("add_route") : QStringLiteral("remove_route"),
                {{QStringLiteral("name"), group.name}, {QStringLiteral("route"), *routeName}}};
            if (grant)
                return addLink(connection, groupRoutesLink(), group.uuid, *routeName, change);
            return removeLink(connection, groupRoutesLink(), group.uuid, *routeName, change,
                              makeError(Error::Reason::RouteNotGranted, Error::Subject::Group,
                                        {group.name, *routeName, group.uuid}));
        });
}

} // namespace portico::store
