#pragma once

// The WHERE clause of a UsageQuery, shared by the raw-row and the aggregate readers; not part of
// the library's interface.

#include "store/result.h"
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

} // namespace portico::store::detail
