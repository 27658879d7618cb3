#pragma once

// The WHERE clause of a UsageQuery, shared by the raw-row and the aggregate readers; not part of
// the library's interface.

#include "store/result.h"
#include "store/storeinternal.h"
#include "store/usagequery.h"

#include <QSqlDatabase>
#include <QVariantList>

namespace portico::store::detail {

struct UsageWhere {
    QString sql;                 // " WHERE ..." or empty
    QVariantList values;         // bound in order
    bool matchesNothing = false; // e.g. a group without keys: no need to ask the database
};

enum class UsageTable {
    Raw,    // usage: exact times, NULL for missing texts
    Hourly, // usage_hourly: hour buckets, '' for missing texts
    Daily,  // usage_daily: UTC day buckets, the same columns
};

// Resolves the query's group (uuid or name) to its current member keys on `connection`.
Result<UsageWhere> usageWhere(const QSqlDatabase &connection, const UsageQuery &query,
                              UsageTable table);

// Prepares `sql` as a forward-only read, binds `values` in order and runs it: how every usage
// reader runs its SELECT.
Status selectUsage(QSqlQuery &query, const QString &sql, const QVariantList &values,
                   const QString &doing);

// Runs `read(connection, where)` in one read transaction, with the query's WHERE resolved in it
// (so a group's members and the rows agree); `nothing` is the answer when no row can match.
template <typename R, typename Read>
R readUsage(Database &db, const UsageQuery &query, UsageTable table, R nothing, Read &&read) {
    ReadTransaction tx(db);
    if (!tx.isOpen())
        return tx.error();
    const Result<UsageWhere> where = usageWhere(tx.connection(), query, table);
    if (!where)
        return where.error();
    if (where->matchesNothing)
        return nothing;
    return read(tx.connection(), *where);
}

} // namespace portico::store::detail
