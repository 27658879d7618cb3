#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <array>

namespace portico::store {

// The roll-up of usage: tables usage_hourly and usage_daily (UTC days), one line per bucket,
// key, route, model and status, kept up to date in the same transaction as the raw rows, so
// monitoring never scans raw rows and survives their pruning. Long periods read the daily lines
// and only their partial first and last days from the hourly ones. Schema version 3 created and
// back-filled both.
class UsageRollup {
public:
    static constexpr qint64 kHourMs = 3600000;
    static constexpr qint64 kDayMs = 24 * kHourMs;
    // Latency histogram: bucket i counts latencies in (bound[i-1], bound[i]] ms, the last bucket
    // everything above the last bound. Part of the schema (columns lat_b0..lat_b11): never edit.
    static constexpr std::array<qint64, 11> kLatencyBoundsMs = {
        100, 250, 500, 1000, 2000, 4000, 8000, 15000, 30000, 60000, 120000};
    static constexpr int kLatencyBuckets = int(kLatencyBoundsMs.size()) + 1;
    using Histogram = std::array<qint64, kLatencyBuckets>;

    static int latencyBucket(qint64 latencyMs);
    // The start of the UTC hour holding `ms`.
    static qint64 hourStart(qint64 ms);
    // The upper bound of the histogram bucket holding the `fraction` quantile (nearest rank),
    // capped by `maxLatencyMs`; 0 for an empty histogram.
    static qint64 approximateQuantile(const Histogram &counts, double fraction,
                                      qint64 maxLatencyMs);
    // The column of usage_hourly that counts bucket `bucket` ("lat_b3").
    static QString histogramColumn(int bucket);

    // Folds `rows` into usage_hourly on `connection`; call inside the transaction that writes
    // the raw rows so both stay consistent.
    static Status add(const QSqlDatabase &connection, const QList<UsageRecord> &rows);
    // The same with the two upserts already prepared from upsertSql("usage_hourly") and
    // upsertSql("usage_daily"), for a writer that keeps them from batch to batch (UsageWriter).
    static Status add(QSqlQuery &hourly, QSqlQuery &daily, const QList<UsageRecord> &rows);
    // The upsert that adds one line of sums to `table` (usage_hourly or usage_daily).
    static QString upsertSql(const QString &table);

    // Empties usage_hourly and usage_daily and fills them again from the raw usage rows, with the
    // statements schema version 3 back-filled them with. For stores whose raw rows were written
    // in bulk without add() (an import, a generated test store); never on a store whose raw rows
    // retention pruned, as their lines would be lost. Call inside a write transaction.
    static Status rebuild(const QSqlDatabase &connection);
    // Schema version 3 runs these once on an upgraded store and rebuild() runs them again: each
    // fills its empty table, usage_hourly from the raw rows, then usage_daily from usage_hourly.
    // Released schema steps never change, so neither may what these statements produce.
    static QString hourlyBackfillSql();
    static QString dailyBackfillSql();

private:
    static Status addTo(QSqlQuery &upsert, qint64 bucketMs, const QList<UsageRecord> &rows);
};

} // namespace portico::store
