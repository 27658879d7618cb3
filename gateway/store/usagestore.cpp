#include "store/usagestore.h"

#include "store/database.h"
#include "store/storeinternal.h"
#include "store/usagerollup.h"
#include "store/usagewhere.h"

namespace portico::store {

using namespace detail;

namespace {

// WHERE clause and values for a filter. `since` is inclusive and `until` exclusive, so
// consecutive periods never count a row twice.
struct Where {
    QString sql;
    QVariantList values;
};

Where whereFor(const UsageFilter &filter) {
    QStringList conditions;
    Where where;
    if (!filter.keyUuid.isEmpty()) {
        conditions.append(QStringLiteral("key_uuid = ?"));
        where.values.append(filter.keyUuid);
    }
    if (!filter.route.isEmpty()) {
        conditions.append(QStringLiteral("route = ?"));
        where.values.append(filter.route);
    }
    if (filter.since.isValid()) {
        conditions.append(QStringLiteral("time >= ?"));
        where.values.append(filter.since.toMSecsSinceEpoch());
    }
    if (filter.until.isValid()) {
        conditions.append(QStringLiteral("time < ?"));
        where.values.append(filter.until.toMSecsSinceEpoch());
    }
    if (!conditions.isEmpty())
        where.sql = QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    return where;
}

} // namespace

UsageStore::UsageStore(Database &db)
    : m_db(db) {}

// Usage rows are history, not admin changes: committed without bumping the change counter.
Status UsageStore::insert(const QList<UsageRecord> &rows) {
    if (rows.isEmpty())
        return {};
    // The raw rows and the roll-up must agree on the time of a row without one.
    QList<UsageRecord> stamped = rows;
    for (UsageRecord &row : stamped) {
        if (!row.time.isValid())
            row.time = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    }
    Transaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const QString doing = QStringLiteral("recording usage");
    QSqlQuery query(tx.connection());
    if (Status s =
            prepare(query,
                    QStringLiteral("INSERT INTO usage (time, request_id, key_uuid, key_name, "
                                   "route, model_id, provider, stream, status, error_code, "
                                   "prompt_tokens, completion_tokens, cost_usd, latency_ms, "
                                   "ttft_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                   "?, ?)"),
                    doing);
        !s)
        return s;
    for (const UsageRecord &row : std::as_const(stamped)) {
        query.bindValue(0, row.time.toMSecsSinceEpoch());
        query.bindValue(1, textOrNull(row.requestId));
        query.bindValue(2, textOrNull(row.keyUuid));
        query.bindValue(3, textOrNull(row.keyName));
        query.bindValue(4, textOrNull(row.route));
        query.bindValue(5, textOrNull(row.modelId));
        query.bindValue(6, textOrNull(row.provider));
        query.bindValue(7, row.stream ? 1 : 0);
        query.bindValue(8, row.status);
        query.bindValue(9, textOrNull(row.errorCode));
        query.bindValue(10, row.promptTokens);
        query.bindValue(11, row.completionTokens);
        query.bindValue(12, row.costUsd);
        query.bindValue(13, row.latencyMs);
        query.bindValue(14, row.ttftMs);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    if (Status s = UsageRollup::add(tx.connection(), stamped); !s)
        return s;
    return tx.commitQuietly();
}

namespace {

const char kRecordColumns[] =
    "time, request_id, key_uuid, key_name, route, model_id, provider, stream, status, "
    "error_code, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms";

UsageRecord recordAt(const QSqlQuery &query) {
    UsageRecord row;
    row.time = timeFromDb(query.value(0));
    row.requestId = query.value(1).toString();
    row.keyUuid = query.value(2).toString();
    row.keyName = query.value(3).toString();
    row.route = query.value(4).toString();
    row.modelId = query.value(5).toString();
    row.provider = query.value(6).toString();
    row.stream = query.value(7).toInt() != 0;
    row.status = query.value(8).toInt();
    row.errorCode = query.value(9).toString();
    row.promptTokens = query.value(10).toLongLong();
    row.completionTokens = query.value(11).toLongLong();
    row.costUsd = query.value(12).toDouble();
    row.latencyMs = query.value(13).toLongLong();
    row.ttftMs = query.value(14).toLongLong();
    return row;
}

} // namespace

// With a limit, the newest `limit` matching rows are returned (still oldest first): the usual
// question is "the last N requests".
Result<QList<UsageRecord>> UsageStore::rows(const UsageFilter &filter) const {
    const QString doing = QStringLiteral("reading usage");
    const Where where = whereFor(filter);
    const QString columns = QLatin1String(kRecordColumns);
    QString sql;
    if (filter.limit >= 0)
        sql = QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM (SELECT id, ") + columns +
              QStringLiteral(" FROM usage") + where.sql +
              QStringLiteral(" ORDER BY time DESC, id DESC LIMIT ?) newest ORDER BY time, id");
    else
        sql = QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM usage") + where.sql +
              QStringLiteral(" ORDER BY time, id");

    const QSqlDatabase connection = m_db.connection();
    if (!connection.isOpen())
        return connectionError(connection);
    QSqlQuery query(connection);
    query.setForwardOnly(true);
    if (Status s = prepare(query, sql, doing); !s)
        return s.error();
    for (const QVariant &value : where.values)
        query.addBindValue(value);
    if (filter.limit >= 0)
        query.addBindValue(filter.limit);
    if (Status s = exec(query, doing); !s)
        return s.error();
    QList<UsageRecord> result;
    while (query.next())
        result.append(recordAt(query));
    return result;
}

// One line per key uuid (requests without a valid key share the line with an empty uuid); the
// name is the one recorded on the key's latest row. Sorted by number of requests, most first;
// a limit keeps the first `limit` lines.
Result<QList<UsageTotals>> UsageStore::totalsByKey(const UsageFilter &filter) const {
    const QString doing = QStringLiteral("reading usage totals");
    const Where where = whereFor(filter);
    QString sql =
        QStringLiteral("SELECT t.key_uuid, u.key_name, t.requests, t.errors, t.prompt_tokens, "
                       "t.completion_tokens, t.cost_usd FROM ("
                       "SELECT key_uuid, COUNT(*) AS requests, "
                       "SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors, "
                       "SUM(prompt_tokens) AS prompt_tokens, "
                       "SUM(completion_tokens) AS completion_tokens, SUM(cost_usd) AS cost_usd, "
                       "MAX(id) AS last_id FROM usage") +
        where.sql +
        QStringLiteral(" GROUP BY key_uuid) t JOIN usage u ON u.id = t.last_id"
                       " ORDER BY t.requests DESC, u.key_name, t.key_uuid");
    if (filter.limit >= 0)
        sql += QStringLiteral(" LIMIT ?");

    const QSqlDatabase connection = m_db.connection();
    if (!connection.isOpen())
        return connectionError(connection);
    QSqlQuery query(connection);
    query.setForwardOnly(true);
    if (Status s = prepare(query, sql, doing); !s)
        return s.error();
    for (const QVariant &value : where.values)
        query.addBindValue(value);
    if (filter.limit >= 0)
        query.addBindValue(filter.limit);
    if (Status s = exec(query, doing); !s)
        return s.error();
    QList<UsageTotals> result;
    while (query.next()) {
        UsageTotals totals;
        totals.keyUuid = query.value(0).toString();
        totals.keyName = query.value(1).toString();
        totals.requests = query.value(2).toLongLong();
        totals.errors = query.value(3).toLongLong();
        totals.promptTokens = query.value(4).toLongLong();
        totals.completionTokens = query.value(5).toLongLong();
        totals.costUsd = query.value(6).toDouble();
        result.append(totals);
    }
    return result;
}

Result<QList<UsageRecord>> UsageStore::page(const UsageQuery &query, qint64 offset,
                                            int limit) const {
    const QString doing = QStringLiteral("reading usage");
    ReadTransaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const Result<UsageWhere> where = usageWhere(tx.connection(), query, UsageTable::Raw);
    if (!where)
        return where.error();
    QList<UsageRecord> result;
    if (where->matchesNothing || limit == 0)
        return result;
    QSqlQuery row(tx.connection());
    row.setForwardOnly(true);
    // LIMIT -1 means "no limit" on SQLite; PostgreSQL spells it LIMIT ALL.
    if (Status s = prepare(row,
                           QStringLiteral("SELECT ") + QLatin1String(kRecordColumns) +
                               QStringLiteral(" FROM usage") + where->sql +
                               QStringLiteral(" ORDER BY time DESC, id DESC LIMIT ? OFFSET ?"),
                           doing);
        !s)
        return s.error();
    for (const QVariant &value : where->values)
        row.addBindValue(value);
    row.addBindValue(limit < 0 ? -1 : limit);
    row.addBindValue(std::max<qint64>(0, offset));
    if (Status s = exec(row, doing); !s)
        return s.error();
    while (row.next())
        result.append(recordAt(row));
    return result;
}

Result<qint64> UsageStore::count(const UsageQuery &query) const {
    const QString doing = QStringLiteral("counting usage");
    ReadTransaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const Result<UsageWhere> where = usageWhere(tx.connection(), query, UsageTable::Raw);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return qint64(0);
    QSqlQuery row(tx.connection());
    if (Status s = prepare(row, QStringLiteral("SELECT COUNT(*) FROM usage") + where->sql, doing);
        !s)
        return s.error();
    for (const QVariant &value : where->values)
        row.addBindValue(value);
    if (Status s = exec(row, doing); !s)
        return s.error();
    if (!row.next())
        return qint64(0);
    return row.value(0).toLongLong();
}

Status UsageStore::forEach(const UsageQuery &query,
                           const std::function<bool(const UsageRecord &)> &visit) const {
    const QString doing = QStringLiteral("reading usage");
    ReadTransaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const Result<UsageWhere> where = usageWhere(tx.connection(), query, UsageTable::Raw);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return {};
    QSqlQuery row(tx.connection());
    row.setForwardOnly(true);
    if (Status s = prepare(row,
                           QStringLiteral("SELECT ") + QLatin1String(kRecordColumns) +
                               QStringLiteral(" FROM usage") + where->sql +
                               QStringLiteral(" ORDER BY time, id"),
                           doing);
        !s)
        return s;
    for (const QVariant &value : where->values)
        row.addBindValue(value);
    if (Status s = exec(row, doing); !s)
        return s;
    while (row.next()) {
        if (!visit(recordAt(row)))
            break;
    }
    return {};
}

// Small batches: each holds the write lock only briefly, so the gateway's usage writes are not
// held up behind a long delete.
Result<qint64> UsageStore::pruneRawUsage(const QDateTime &olderThan,
                                         const std::function<bool(qint64)> &keepGoing) {
    if (!olderThan.isValid())
        return Error{Error::Code::InvalidInput,
                     QStringLiteral("Pruning usage needs a date: rows older than it are deleted.")};
    constexpr int kBatchRows = 5000;
    const QString doing = QStringLiteral("pruning old usage rows");
    qint64 deleted = 0;
    for (;;) {
        if (keepGoing && !keepGoing(deleted))
            return deleted;
        Transaction tx(m_db);
        if (!tx.isOpen())
            return tx.error();
        QSqlQuery query(tx.connection());
        if (Status s = prepare(query,
                               QStringLiteral("DELETE FROM usage WHERE id IN (SELECT id FROM "
                                              "usage WHERE time < ? ORDER BY time LIMIT ?)"),
                               doing);
            !s)
            return s.error();
        query.addBindValue(olderThan.toMSecsSinceEpoch());
        query.addBindValue(kBatchRows);
        if (Status s = exec(query, doing); !s)
            return s.error();
        const int affected = query.numRowsAffected();
        query.finish();
        if (Status s = tx.commitQuietly(); !s)
            return s.error();
        deleted += std::max(0, affected);
        if (affected < kBatchRows)
            return deleted;
    }
}

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
