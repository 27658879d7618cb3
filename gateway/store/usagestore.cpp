#include "store/usagestore.h"

#include "store/usagewriter.h"

#include "store/database.h"
#include "store/storeinternal.h"
#include "store/usagerollup.h"
#include "store/usagewhere.h"

namespace portico::store {

using namespace detail;

UsageStore::UsageStore(Database &db)
    : m_db(db) {}

// Usage rows are history, not admin changes: committed without bumping the change counter.
Status UsageStore::insert(const QList<UsageRecord> &rows) {
    return UsageWriter(m_db).insert(rows);
}

namespace {

const char kRecordColumns[] =
    "time, request_id, key_uuid, key_name, route, model_id, provider, stream, status, "
    "error_code, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, old_secret, "
    "tokens_estimated";

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
    row.oldSecret = query.value(15).toInt() != 0;
    row.tokensEstimated = query.value(16).toInt() != 0;
    return row;
}

QString recordSelect(const UsageWhere &where) {
    return QStringLiteral("SELECT ") + QLatin1String(kRecordColumns) +
           QStringLiteral(" FROM usage") + where.sql;
}

QList<UsageRecord> recordsOf(QSqlQuery &query) {
    QList<UsageRecord> records;
    while (query.next())
        records.append(recordAt(query));
    return records;
}

} // namespace

// With a limit, the newest `limit` matching rows are returned (still oldest first): the usual
// question is "the last N requests".
Result<QList<UsageRecord>> UsageStore::rows(const UsageQuery &query) const {
    return readUsage(
        m_db, query, UsageTable::Raw, Result<QList<UsageRecord>>(QList<UsageRecord>()),
        [&](const QSqlDatabase &connection, const UsageWhere &where) -> Result<QList<UsageRecord>> {
            QString sql = recordSelect(where) + QStringLiteral(" ORDER BY time, id");
            QVariantList values = where.values;
            if (query.limit >= 0) {
                const QString columns = QLatin1String(kRecordColumns);
                sql = QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM (SELECT id, ") +
                      columns + QStringLiteral(" FROM usage") + where.sql +
                      QStringLiteral(" ORDER BY time DESC, id DESC LIMIT ?) newest ORDER BY "
                                     "time, id");
                values.append(query.limit);
            }
            QSqlQuery row(connection);
            if (Status s = selectUsage(row, sql, values, QStringLiteral("reading usage")); !s)
                return s.error();
            return recordsOf(row);
        });
}

// One line per key uuid (requests without a valid key share the line with an empty uuid); the
// name is the one recorded on the key's latest row. Sorted by number of requests, most first;
// a limit keeps the first `limit` lines.
Result<QList<UsageTotals>> UsageStore::totalsByKey(const UsageQuery &query) const {
    return readUsage(
        m_db, query, UsageTable::Raw, Result<QList<UsageTotals>>(QList<UsageTotals>()),
        [&](const QSqlDatabase &connection, const UsageWhere &where) -> Result<QList<UsageTotals>> {
            QString sql =
                QStringLiteral("SELECT t.key_uuid, u.key_name, t.requests, t.errors, "
                               "t.prompt_tokens, t.completion_tokens, t.cost_usd FROM ("
                               "SELECT key_uuid, COUNT(*) AS requests, "
                               "SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors, "
                               "SUM(prompt_tokens) AS prompt_tokens, "
                               "SUM(completion_tokens) AS completion_tokens, SUM(cost_usd) AS "
                               "cost_usd, MAX(id) AS last_id FROM usage") +
                where.sql +
                QStringLiteral(" GROUP BY key_uuid) t JOIN usage u ON u.id = t.last_id"
                               " ORDER BY t.requests DESC, u.key_name, t.key_uuid");
            QVariantList values = where.values;
            if (query.limit >= 0) {
                sql += QStringLiteral(" LIMIT ?");
                values.append(query.limit);
            }
            QSqlQuery row(connection);
            if (Status s = selectUsage(row, sql, values, QStringLiteral("reading usage totals"));
                !s)
                return s.error();
            QList<UsageTotals> result;
            while (row.next()) {
                UsageTotals totals;
                totals.keyUuid = row.value(0).toString();
                totals.keyName = row.value(1).toString();
                totals.requests = row.value(2).toLongLong();
                totals.errors = row.value(3).toLongLong();
                totals.promptTokens = row.value(4).toLongLong();
                totals.completionTokens = row.value(5).toLongLong();
                totals.costUsd = row.value(6).toDouble();
                result.append(totals);
            }
            return result;
        });
}

Result<QList<UsageRecord>> UsageStore::page(const UsageQuery &query, qint64 offset,
                                            int limit) const {
    return readUsage(
        m_db, query, UsageTable::Raw, Result<QList<UsageRecord>>(QList<UsageRecord>()),
        [&](const QSqlDatabase &connection, const UsageWhere &where) -> Result<QList<UsageRecord>> {
            if (limit == 0)
                return QList<UsageRecord>();
            QVariantList values = where.values;
            // LIMIT -1 means "no limit" on SQLite; PostgreSQL spells it LIMIT ALL.
            values << (limit < 0 ? -1 : limit) << std::max<qint64>(0, offset);
            QSqlQuery row(connection);
            if (Status s =
                    selectUsage(row,
                                recordSelect(where) +
                                    QStringLiteral(" ORDER BY time DESC, id DESC LIMIT ? OFFSET ?"),
                                values, QStringLiteral("reading usage"));
                !s)
                return s.error();
            return recordsOf(row);
        });
}

Result<qint64> UsageStore::count(const UsageQuery &query) const {
    return readUsage(m_db, query, UsageTable::Raw, Result<qint64>(0),
                     [](const QSqlDatabase &connection, const UsageWhere &where) -> Result<qint64> {
                         QSqlQuery row(connection);
                         if (Status s = selectUsage(
                                 row, QStringLiteral("SELECT COUNT(*) FROM usage") + where.sql,
                                 where.values, QStringLiteral("counting usage"));
                             !s)
                             return s.error();
                         return row.next() ? row.value(0).toLongLong() : qint64(0);
                     });
}

Result<OldSecretUse> UsageStore::oldSecretUse(const QString &keyUuid,
                                              const QDateTime &since) const {
    return readTransaction<OldSecretUse>(
        m_db, [&](const QSqlDatabase &connection) -> Result<OldSecretUse> {
            const QString doing = QStringLiteral("reading the use of old secrets");
            QSqlQuery query(connection);
            if (Status s = prepare(query,
                                   QStringLiteral("SELECT COUNT(*), MAX(time) FROM usage WHERE "
                                                  "key_uuid = ? AND time >= ? AND old_secret = 1"),
                                   doing);
                !s)
                return s.error();
            query.addBindValue(keyUuid);
            query.addBindValue(since.toMSecsSinceEpoch());
            if (Status s = exec(query, doing); !s)
                return s.error();
            OldSecretUse use;
            if (query.next()) {
                use.requests = query.value(0).toLongLong();
                use.last = timeFromDb(query.value(1));
            }
            return use;
        });
}

Status UsageStore::forEach(const UsageQuery &query,
                           const std::function<bool(const UsageRecord &)> &visit) const {
    return readUsage(m_db, query, UsageTable::Raw, Status(),
                     [&](const QSqlDatabase &connection, const UsageWhere &where) -> Status {
                         QSqlQuery row(connection);
                         if (Status s = selectUsage(
                                 row, recordSelect(where) + QStringLiteral(" ORDER BY time, id"),
                                 where.values, QStringLiteral("reading usage"));
                             !s)
                             return s;
                         while (row.next()) {
                             if (!visit(recordAt(row)))
                                 break;
                         }
                         return {};
                     });
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

} // namespace portico::store
