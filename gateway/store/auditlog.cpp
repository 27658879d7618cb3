#include "store/auditlog.h"

#include "store/database.h"
#include "store/storeinternal.h"
#include "store/storeobjects.h"

#include <QUuid>

namespace portico::store {

using namespace detail;

namespace {

// The uuid a ref names. An object that is gone keeps its history, and its uuid is the only
// way to name it then: a well-formed uuid that matches nothing is taken as is.
Result<QString> historyUuid(const QSqlDatabase &connection, const ObjectTable &table,
                            const QString &ref) {
    const Result<Named> object = resolve(connection, table, ref);
    if (object)
        return object->uuid;
    const QUuid asUuid = QUuid::fromString(ref.trimmed());
    if (object.error().reason == Error::Reason::NotFound && !asUuid.isNull())
        return asUuid.toString(QUuid::WithoutBraces);
    return object.error();
}

} // namespace

AuditLog::AuditLog(Database &db)
    : m_db(db) {}

std::pair<QString, QString> AuditLog::splitActor(const QString &stored) {
    const qsizetype colon = stored.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return {stored, QString()};
    return {stored.mid(colon + 1), stored.left(colon)};
}

Result<QList<AuditEntry>> AuditLog::entries(int limit) const {
    AuditQuery all;
    all.limit = limit;
    return query(all);
}

Result<QList<AuditEntry>> AuditLog::query(const AuditQuery &filter) const {
    return readTransaction<QList<AuditEntry>>(
        m_db, [&](const QSqlDatabase &connection) -> Result<QList<AuditEntry>> {
            const QString doing = QStringLiteral("reading the audit trail");
            // Every plan below walks an index in id order and stops after `limit` rows: the
            // primary key, or audit_object_idx (object_uuid, id) for one object. The time
            // bounds are written +time so that SQLite never prefers audit_time_idx, which would
            // make it sort every row of the period before returning the first page.
            QStringList conditions;
            QVariantList values;
            if (!filter.keyRef.trimmed().isEmpty()) {
                const Result<QString> key = historyUuid(connection, keyTable(), filter.keyRef);
                if (!key)
                    return key.error();
                conditions << QStringLiteral("object_uuid = ?");
                values << *key;
            }
            if (!filter.groupRef.trimmed().isEmpty()) {
                const Result<QString> group =
                    historyUuid(connection, groupTable(), filter.groupRef);
                if (!group)
                    return group.error();
                // Key rows name their groups by uuid in their details ("group_uuid" when joining
                // or leaving, "group_uuids" when created in them); a uuid is unique and holds no
                // LIKE wildcard.
                conditions << QStringLiteral("(object_uuid = ? OR (object_type = 'key' AND "
                                             "details LIKE ?))");
                values << *group << QStringLiteral("%\"%1\"%").arg(*group);
            }
            if (!filter.action.isEmpty()) {
                conditions << QStringLiteral("substr(action, 1, ?) = ?");
                values << int(filter.action.size()) << filter.action;
            }
            if (filter.since.isValid()) {
                conditions << QStringLiteral("+time >= ?");
                values << timeToDb(filter.since);
            }
            if (filter.until.isValid()) {
                conditions << QStringLiteral("+time < ?");
                values << timeToDb(filter.until);
            }
            if (filter.beforeId > 0) {
                conditions << QStringLiteral("id < ?");
                values << filter.beforeId;
            }
            QString sql = QStringLiteral("SELECT id, time, actor, action, object_type, "
                                         "object_uuid, details FROM audit");
            if (!conditions.isEmpty())
                sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
            sql += QStringLiteral(" ORDER BY id DESC");
            if (filter.limit >= 0) {
                sql += QStringLiteral(" LIMIT ?");
                values << filter.limit;
            }

            QSqlQuery query(connection);
            query.setForwardOnly(true);
            if (Status s = prepare(query, sql, doing); !s)
                return s.error();
            for (const QVariant &value : std::as_const(values))
                query.addBindValue(value);
            if (Status s = exec(query, doing); !s)
                return s.error();
            QList<AuditEntry> result;
            while (query.next()) {
                AuditEntry entry;
                entry.id = query.value(0).toLongLong();
                entry.time = timeFromDb(query.value(1));
                std::tie(entry.actor, entry.source) = splitActor(query.value(2).toString());
                entry.action = query.value(3).toString();
                entry.objectType = query.value(4).toString();
                entry.objectUuid = query.value(5).toString();
                entry.details = query.value(6).toString();
                result.append(entry);
            }
            return result;
        });
}

} // namespace portico::store
