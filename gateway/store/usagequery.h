#pragma once

#include "store/records.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace portico::store {

// What the monitoring pages and `portico-gateway usage` ask about usage. Used both for the
// hourly aggregates (UsageAggregates) and for the raw rows (UsageStore): every usage read goes
// through it and its one WHERE builder (usagewhere.h).
struct UsageQuery {
    // [since, until). Raw rows are matched to the millisecond; aggregates are kept per hour, so
    // for them `since` is rounded down and `until` up to a whole hour (UTC).
    QDateTime since;      // null: from the start
    QDateTime until;      // null: up to now
    QStringList keyUuids; // empty: any key; "" in the list matches requests without key
    QString group;        // uuid or name; its *current* member keys. Empty: any
    QString route;        // empty: any
    QString modelId;      // empty: any
    int statusFrom = -1;  // inclusive; -1: no lower bound
    int statusTo = -1;    // inclusive; -1: no upper bound
    // Day buckets start at local midnight for this offset from UTC (e.g. 3600 for UTC+1).
    int utcOffsetSeconds = 0;
    // Aggregates: the lines kept after sorting. UsageStore::rows/totalsByKey: the newest rows,
    // the first lines. -1: all.
    int limit = -1;
};

enum class UsageGrouping {
    Key, // one line per key uuid (requests without key share the line with an empty uuid)
    Route,
    Model,
    Day,  // one line per day (see UsageQuery::utcOffsetSeconds), oldest first
    Hour, // one line per UTC hour, oldest first
};

// One line of aggregated usage. Only the fields of the grouping are set (keyUuid/keyName/deleted
// for Key, route for Route, modelId for Model, bucketStart for Day/Hour); totals have none.
struct UsageAggregate {
    QString keyUuid;
    QString keyName;      // the name on the key's latest request
    bool deleted = false; // the key no longer exists (its history is kept)
    QString route;
    QString modelId;
    QDateTime bucketStart; // UTC
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400
    qint64 streamRequests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
    double avgLatencyMs = 0.0;
    // Upper bound of the latency histogram bucket that holds the 95th percentile, capped by the
    // largest latency seen: never below the true p95, at most one bucket above it.
    qint64 p95LatencyMs = 0;
    qint64 maxLatencyMs = 0;
    double avgTtftMs = -1.0; // -1: no request produced a token
    QDateTime lastTime;      // the latest request counted (UTC); null when none
};

// One point of a chart: a bucket of an hour or a day. Empty buckets are included (as zeros)
// when both ends of the query are given.
struct UsageSeriesPoint {
    QDateTime bucketStart; // UTC
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
};

struct UsageStatusCount {
    int status = 0;
    qint64 requests = 0;
};

} // namespace portico::store
