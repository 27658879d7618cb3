#pragma once

#include "store/result.h"
#include "store/usagequery.h"

namespace portico::store {

class Database;

// Monitoring figures (dashboard, usage page, key detail, `portico-gateway usage --by`), read from
// the roll-up only (UsageRollup): their cost depends on the number of days, keys and routes, not
// on the number of requests, and they survive the pruning of raw rows. Raw rows are for
// drill-down (UsageStore::page). Hour granularity: see UsageQuery::since.
class UsageAggregates {
public:
    explicit UsageAggregates(Database &db);

    // One line per key, route, model, day or hour. Key/route/model lines are sorted by requests,
    // most first (then by name); day and hour lines oldest first. Lines of deleted keys keep the
    // name they had and say deleted. query.limit keeps the first lines.
    Result<QList<UsageAggregate>> aggregate(UsageGrouping grouping, const UsageQuery &query) const;
    // Everything matching the query in one line (zeros when nothing matches).
    Result<UsageAggregate> totals(const UsageQuery &query) const;
    // Requests, errors, tokens and cost per hour or day (`bucket` is Hour or Day), oldest first;
    // with both ends of the period given, empty buckets are included as zeros.
    Result<QList<UsageSeriesPoint>> series(const UsageQuery &query, UsageGrouping bucket) const;
    // Requests per HTTP status (all statuses; errors are those >= 400), by status.
    Result<QList<UsageStatusCount>> countsByStatus(const UsageQuery &query) const;
    Result<QList<UsageAggregate>> topKeysByCost(const UsageQuery &query, int count) const;
    Result<QList<UsageAggregate>> topRoutesByRequests(const UsageQuery &query, int count) const;

private:
    Database &m_db;
};

} // namespace portico::store
