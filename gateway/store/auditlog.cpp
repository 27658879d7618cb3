#include "store/auditlog.h"

#include "store/database.h"
#include "store/storeinternal.h"

namespace portico::store {

using namespace detail;

AuditLog::AuditLog(Database &db)
    : m_db(db) {}

Result<QList<AuditEntry>> AuditLog::entries(int limit) const {
    const QString doing = QStringLiteral("reading the audit trail");
    const QSqlDatabase connection = m_db.connection();
    if (!connection.isOpen())
        return connectionError(connection);
    QSqlQuery query(connection);
    query.setForwardOnly(true);
    QString sql = QStringLiteral("SELECT id, time, actor, action, object_type, object_uuid, "
                                 "details FROM audit ORDER BY id DESC");
    if (limit >= 0)
        sql += QStringLiteral(" LIMIT ?");
    if (Status s = prepare(query, sql, doing); !s)
        return s.error();
    if (limit >= 0)
        query.addBindValue(limit);
    if (Status s = exec(query, doing); !s)
        return s.error();
    QList<AuditEntry> result;
    while (query.next()) {
        AuditEntry entry;
        entry.id = query.value(0).toLongLong();
        entry.time = timeFromDb(query.value(1));
        entry.actor = query.value(2).toString();
        entry.action = query.value(3).toString();
        entry.objectType = query.value(4).toString();
        entry.objectUuid = query.value(5).toString();
        entry.details = query.value(6).toString();
        result.append(entry);
    }
    return result;
}

} // namespace portico::store
