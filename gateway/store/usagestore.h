#pragma once

#include "store/records.h"
#include "store/result.h"
#include "store/usagequery.h"

#include <functional>

namespace portico::store {

class Database;

// How often a rotated key's previous secret was used (see UsageRecord::oldSecret).
struct OldSecretUse {
    qint64 requests = 0;
    QDateTime last; // UTC; null when never
};

// The usage history: one row per gateway request, kept after its key is deleted.
class UsageStore {
public:
    explicit UsageStore(Database &db);

    // Writes all rows in one transaction (the gateway batches them off the request path).
    // Not an admin change: does not bump the change counter nor emit Database::changed().
    Status insert(const QList<UsageRecord> &rows);
    // Rows matching the query, oldest first. `since` is inclusive, `until` exclusive; with a
    // limit, the newest `limit` matching rows are returned (still oldest first).
    Result<QList<UsageRecord>> rows(const UsageQuery &query) const;
    // Totals per key (key_uuid, key_name as recorded) for rows matching the query. The name is
    // the one on the key's latest row; requests without a key share one line with an empty uuid.
    // Sorted by requests, most first; a limit keeps that many lines.
    Result<QList<UsageTotals>> totalsByKey(const UsageQuery &query) const;

    // Raw rows for drill-down: those matching the query, newest first, skipping `offset`;
    // limit -1: all. query.limit is ignored. Aggregates come from UsageAggregates instead.
    Result<QList<UsageRecord>> page(const UsageQuery &query, qint64 offset, int limit) const;
    // The number of raw rows matching the query (page count, export progress).
    Result<qint64> count(const UsageQuery &query) const;
    // Calls `visit` with each raw row matching the query, oldest first, without loading them all
    // (CSV export); stops early when `visit` returns false. query.limit is ignored.
    Status forEach(const UsageQuery &query,
                   const std::function<bool(const UsageRecord &)> &visit) const;
    // Requests made with `keyUuid`'s previous secret since `since`: who has not switched yet.
    Result<OldSecretUse> oldSecretUse(const QString &keyUuid, const QDateTime &since) const;
    // Retention: deletes raw rows older than `olderThan`, in small transactions so the gateway
    // keeps writing meanwhile. The hourly aggregates are kept. Returns how many rows went.
    // `keepGoing`, when given, is asked before each batch with the rows deleted so far (for
    // progress): false ends early (the gateway stops) and returns the rows deleted until then.
    Result<qint64> pruneRawUsage(const QDateTime &olderThan,
                                 const std::function<bool(qint64 deletedSoFar)> &keepGoing = {});

private:
    Database &m_db;
};

} // namespace portico::store
