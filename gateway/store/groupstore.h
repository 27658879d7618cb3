#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QString>

namespace portico::store {

class Database;

// Groups: a group holds keys and grants routes (by route name from config.yaml). A group may
// name a route the current config no longer has; it is kept, and shown as missing.
class GroupStore {
public:
    GroupStore(Database &db, QString actor);

    Result<GroupRecord> createGroup(const QString &name, const QString &description = {});
    Result<QList<GroupRecord>> listGroups() const;            // sorted by name
    Result<GroupRecord> group(const QString &groupRef) const; // uuid or unique name
    Result<GroupRecord> renameGroup(const QString &groupRef, const QString &newName);
    Result<GroupRecord> setDescription(const QString &groupRef, const QString &description);
    // Removes the group, its key links and route grants. Returns what was deleted.
    Result<GroupRecord> deleteGroup(const QString &groupRef);
    // Route names are trimmed, non-empty, at most 200 characters.
    Result<GroupRecord> addRoute(const QString &groupRef, const QString &route);
    Result<GroupRecord> removeRoute(const QString &groupRef, const QString &route);
    // Limits a group's keys share (Limits).
    Result<GroupRecord> setLimits(const QString &groupRef, const LimitsChange &limits);

private:
    Result<GroupRecord> changeRoute(const QString &groupRef, const QString &route, bool grant);

    Database &m_db;
    QString m_actor;
};

} // namespace portico::store
