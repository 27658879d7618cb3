#include "store/usageaggregates.h"

#include "store/database.h"
#include "store/storeinternal.h"
#include "store/usagerollup.h"
#include "store/usagewhere.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <optional>

namespace portico::store {

using namespace detail;

namespace {

// A line being summed from several hourly lines (a key seen under two names, for instance).
struct Sums {
    UsageAggregate line;
    qint64 latencySumMs = 0;
    qint64 ttftSumMs = 0;
    qint64 ttftCount = 0;
    qint64 lastTimeMs = -1;
    UsageRollup::Histogram histogram{};
};

QString dayExpression(int utcOffsetSeconds) {
    const QString offset = QString::number(qint64(utcOffsetSeconds) * 1000);
    return QStringLiteral("((bucket_start + %1) / %2) * %2 - %1")
        .arg(offset, QString::number(UsageRollup::kDayMs));
}

qint64 dayStart(qint64 ms, int utcOffsetSeconds) {
    const qint64 offset = qint64(utcOffsetSeconds) * 1000;
    const qint64 shifted = ms + offset;
    return shifted -
           (((shifted % UsageRollup::kDayMs) + UsageRollup::kDayMs) % UsageRollup::kDayMs) - offset;
}

QString tableName(UsageTable table) {
    return table == UsageTable::Daily ? QStringLiteral("usage_daily")
                                      : QStringLiteral("usage_hourly");
}

// A piece of a period and the roll-up table that answers it.
struct Part {
    UsageTable table;
    UsageQuery query;
};

// Whole UTC days come from usage_daily, the partial first and last days from usage_hourly, so
// a month costs about as much as two days. `daysFit` is false when the answer needs hours.
QList<Part> partsOf(const UsageQuery &query, bool daysFit) {
    if (!daysFit)
        return {{UsageTable::Hourly, query}};
    const qint64 day = UsageRollup::kDayMs;
    const auto floorDay = [day](qint64 ms) { return ms - (((ms % day) + day) % day); };
    const bool hasSince = query.since.isValid();
    const bool hasUntil = query.until.isValid();
    const qint64 since = hasSince ? UsageRollup::hourStart(query.since.toMSecsSinceEpoch()) : 0;
    const qint64 until = hasUntil ? query.until.toMSecsSinceEpoch() : 0;
    const qint64 firstDay = floorDay(since + day - 1);
    const qint64 lastDay = floorDay(until);
    if (hasSince && hasUntil && firstDay >= lastDay)
        return {{UsageTable::Hourly, query}};

    QList<Part> parts;
    const auto at = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC); };
    if (hasSince && since < firstDay) {
        UsageQuery head = query;
        head.until = at(firstDay);
        parts.append({UsageTable::Hourly, head});
    }
    UsageQuery days = query;
    days.since = hasSince ? at(firstDay) : QDateTime();
    days.until = hasUntil ? at(lastDay) : QDateTime();
    parts.append({UsageTable::Daily, days});
    if (hasUntil && lastDay < until) {
        UsageQuery tail = query;
        tail.since = at(lastDay);
        parts.append({UsageTable::Hourly, tail});
    }
    return parts;
}

// The grouping columns (as selected, and as grouped by); none for totals.
QStringList dimensions(std::optional<UsageGrouping> grouping, const UsageQuery &query) {
    if (!grouping)
        return {};
    switch (*grouping) {
    case UsageGrouping::Key:
        return {QStringLiteral("key_uuid"), QStringLiteral("key_name")};
    case UsageGrouping::Route:
        return {QStringLiteral("route")};
    case UsageGrouping::Model:
        return {QStringLiteral("model_id")};
    case UsageGrouping::Day:
        return {dayExpression(query.utcOffsetSeconds)};
    case UsageGrouping::Hour:
        return {QStringLiteral("bucket_start")};
    }
    return {};
}

QString lineId(std::optional<UsageGrouping> grouping, const QSqlQuery &row) {
    if (!grouping)
        return {};
    return row.value(0).toString(); // key_uuid, route, model or bucket start
}

void fill(Sums &sums, std::optional<UsageGrouping> grouping, const QSqlQuery &row) {
    if (!grouping)
        return;
    switch (*grouping) {
    case UsageGrouping::Key:
        sums.line.keyUuid = row.value(0).toString();
        break;
    case UsageGrouping::Route:
        sums.line.route = row.value(0).toString();
        break;
    case UsageGrouping::Model:
        sums.line.modelId = row.value(0).toString();
        break;
    case UsageGrouping::Day:
    case UsageGrouping::Hour:
        sums.line.bucketStart = QDateTime::fromMSecsSinceEpoch(row.value(0).toLongLong(), Qt::UTC);
        break;
    }
}

UsageAggregate finish(const Sums &sums) {
    UsageAggregate line = sums.line;
    if (line.requests > 0)
        line.avgLatencyMs = double(sums.latencySumMs) / double(line.requests);
    line.p95LatencyMs = UsageRollup::approximateQuantile(sums.histogram, 0.95, line.maxLatencyMs);
    if (sums.ttftCount > 0)
        line.avgTtftMs = double(sums.ttftSumMs) / double(sums.ttftCount);
    if (sums.lastTimeMs >= 0)
        line.lastTime = QDateTime::fromMSecsSinceEpoch(sums.lastTimeMs, Qt::UTC);
    return line;
}

Result<QSet<QString>> existingKeys(const QSqlDatabase &connection) {
    QSqlQuery query(connection);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT uuid FROM api_keys")))
        return databaseError(query.lastError(), QStringLiteral("reading the keys"));
    QSet<QString> uuids;
    while (query.next())
        uuids.insert(query.value(0).toString());
    return uuids;
}

// Sums the hourly lines matching `query`, grouped by `grouping` (nothing: one line of totals),
// in one read transaction so the group's members, the lines and the deleted marks agree.
Result<QList<UsageAggregate>> readAggregates(Database &db, std::optional<UsageGrouping> grouping,
                                             const UsageQuery &query) {
    const QString doing = QStringLiteral("reading usage aggregates");
    ReadTransaction tx(db);
    if (!tx.isOpen())
        return tx.error();
    const QSqlDatabase connection = tx.connection();

    QList<Sums> lines;
    QHash<QString, qsizetype> lineIndex;
    const bool daysFit =
        grouping != UsageGrouping::Hour &&
        (grouping != UsageGrouping::Day || query.utcOffsetSeconds % (24 * 3600) == 0);
    for (const Part &part : partsOf(query, daysFit)) {
        const Result<UsageWhere> where = usageWhere(connection, part.query, part.table);
        if (!where)
            return where.error();
        if (where->matchesNothing)
            continue;
        const QStringList dims = dimensions(grouping, query);
        QStringList columns = dims;
        columns << QStringLiteral("SUM(requests)") << QStringLiteral("SUM(errors)")
                << QStringLiteral("SUM(stream_requests)") << QStringLiteral("SUM(prompt_tokens)")
                << QStringLiteral("SUM(completion_tokens)") << QStringLiteral("SUM(cost_usd)")
                << QStringLiteral("SUM(latency_sum_ms)") << QStringLiteral("MAX(latency_max_ms)")
                << QStringLiteral("SUM(ttft_sum_ms)") << QStringLiteral("SUM(ttft_count)")
                << QStringLiteral("MAX(last_time)");
        for (int i = 0; i < UsageRollup::kLatencyBuckets; ++i)
            columns << QStringLiteral("SUM(") + UsageRollup::histogramColumn(i) + QLatin1Char(')');
        QString sql = QStringLiteral("SELECT ") + columns.join(QStringLiteral(", ")) +
                      QStringLiteral(" FROM ") + tableName(part.table) + where->sql;
        if (!dims.isEmpty())
            sql += QStringLiteral(" GROUP BY ") + dims.join(QStringLiteral(", "));

        QSqlQuery row(connection);
        if (Status s = selectUsage(row, sql, where->values, doing); !s)
            return s.error();
        const int first = int(dims.size());
        while (row.next()) {
            // Totals over no line at all come back as one line of NULLs.
            if (row.value(first + 10).isNull())
                continue;
            const QString id = lineId(grouping, row);
            auto found = lineIndex.constFind(id);
            if (found == lineIndex.constEnd()) {
                Sums sums;
                fill(sums, grouping, row);
                lines.append(sums);
                found = lineIndex.insert(id, lines.size() - 1);
            }
            Sums &sums = lines[*found];
            UsageAggregate &line = sums.line;
            line.requests += row.value(first + 0).toLongLong();
            line.errors += row.value(first + 1).toLongLong();
            line.streamRequests += row.value(first + 2).toLongLong();
            line.promptTokens += row.value(first + 3).toLongLong();
            line.completionTokens += row.value(first + 4).toLongLong();
            line.costUsd += row.value(first + 5).toDouble();
            sums.latencySumMs += row.value(first + 6).toLongLong();
            line.maxLatencyMs = std::max(line.maxLatencyMs, row.value(first + 7).toLongLong());
            sums.ttftSumMs += row.value(first + 8).toLongLong();
            sums.ttftCount += row.value(first + 9).toLongLong();
            const qint64 lastTime = row.value(first + 10).toLongLong();
            if (lastTime >= sums.lastTimeMs) {
                sums.lastTimeMs = lastTime;
                if (grouping == UsageGrouping::Key)
                    line.keyName = row.value(1).toString();
            }
            for (int i = 0; i < UsageRollup::kLatencyBuckets; ++i)
                sums.histogram[size_t(i)] += row.value(first + 11 + i).toLongLong();
        }
    }

    QSet<QString> keys;
    if (grouping == UsageGrouping::Key) {
        Result<QSet<QString>> existing = existingKeys(connection);
        if (!existing)
            return existing.error();
        keys = std::move(existing).value();
    }
    QList<UsageAggregate> result;
    result.reserve(lines.size());
    for (const Sums &sums : std::as_const(lines)) {
        UsageAggregate line = finish(sums);
        if (grouping == UsageGrouping::Key)
            line.deleted = !line.keyUuid.isEmpty() && !keys.contains(line.keyUuid);
        result.append(line);
    }
    if (!grouping && result.isEmpty())
        result.append(UsageAggregate{});

    const auto byRequests = [&](const UsageAggregate &a, const UsageAggregate &b) {
        if (a.requests != b.requests)
            return a.requests > b.requests;
        switch (*grouping) {
        case UsageGrouping::Key:
            return a.keyName != b.keyName ? a.keyName < b.keyName : a.keyUuid < b.keyUuid;
        case UsageGrouping::Route:
            return a.route < b.route;
        case UsageGrouping::Model:
            return a.modelId < b.modelId;
        case UsageGrouping::Day:
        case UsageGrouping::Hour:
            break;
        }
        return false;
    };
    if (grouping == UsageGrouping::Day || grouping == UsageGrouping::Hour)
        std::sort(result.begin(), result.end(),
                  [](const auto &a, const auto &b) { return a.bucketStart < b.bucketStart; });
    else if (grouping)
        std::sort(result.begin(), result.end(), byRequests);
    if (query.limit >= 0 && result.size() > query.limit)
        result.resize(query.limit);
    return result;
}

} // namespace

UsageAggregates::UsageAggregates(Database &db)
    : m_db(db) {}

Result<QList<UsageAggregate>> UsageAggregates::aggregate(UsageGrouping grouping,
                                                         const UsageQuery &query) const {
    return readAggregates(m_db, grouping, query);
}

Result<UsageAggregate> UsageAggregates::totals(const UsageQuery &query) const {
    UsageQuery all = query;
    all.limit = -1;
    Result<QList<UsageAggregate>> lines = readAggregates(m_db, std::nullopt, all);
    if (!lines)
        return lines.error();
    return lines->constFirst();
}

Result<QList<UsageSeriesPoint>> UsageAggregates::series(const UsageQuery &query,
                                                        UsageGrouping bucket) const {
    if (bucket != UsageGrouping::Hour && bucket != UsageGrouping::Day)
        return Error{Error::Code::InvalidInput,
                     QStringLiteral("A usage chart has buckets of an hour or a day.")};
    UsageQuery all = query;
    all.limit = -1;
    Result<QList<UsageAggregate>> lines = readAggregates(m_db, bucket, all);
    if (!lines)
        return lines.error();

    const auto point = [](const UsageAggregate &line) {
        UsageSeriesPoint p;
        p.bucketStart = line.bucketStart;
        p.requests = line.requests;
        p.errors = line.errors;
        p.promptTokens = line.promptTokens;
        p.completionTokens = line.completionTokens;
        p.costUsd = line.costUsd;
        return p;
    };
    QList<UsageSeriesPoint> points;
    // Zero-filled only for a bounded number of buckets: a chart of ten years per hour is a
    // mistake of the caller, not something to allocate.
    constexpr qint64 kMaxFilledBuckets = 24 * 366;
    const bool dayBuckets = bucket == UsageGrouping::Day;
    const auto startOf = [&](qint64 ms) {
        return dayBuckets ? dayStart(ms, query.utcOffsetSeconds) : UsageRollup::hourStart(ms);
    };
    if (query.since.isValid() && query.until.isValid() && query.since < query.until) {
        const qint64 step = dayBuckets ? UsageRollup::kDayMs : UsageRollup::kHourMs;
        const qint64 from = startOf(query.since.toMSecsSinceEpoch());
        const qint64 until = query.until.toMSecsSinceEpoch();
        if ((until - from) / step <= kMaxFilledBuckets) {
            qsizetype next = 0;
            for (qint64 start = from; start < until; start += step) {
                if (next < lines->size() &&
                    lines->at(next).bucketStart.toMSecsSinceEpoch() == start) {
                    points.append(point(lines->at(next)));
                    ++next;
                } else {
                    UsageSeriesPoint empty;
                    empty.bucketStart = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
                    points.append(empty);
                }
            }
            if (next == lines->size())
                return points;
            points.clear(); // lines off the grid (cannot happen with whole buckets): no filling
        }
    }
    for (const UsageAggregate &line : std::as_const(*lines))
        points.append(point(line));
    return points;
}

Result<QList<UsageStatusCount>> UsageAggregates::countsByStatus(const UsageQuery &query) const {
    const QString doing = QStringLiteral("reading usage per status");
    ReadTransaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    QMap<int, qint64> perStatus;
    for (const Part &part : partsOf(query, true)) {
        const Result<UsageWhere> where = usageWhere(tx.connection(), part.query, part.table);
        if (!where)
            return where.error();
        if (where->matchesNothing)
            continue;
        QSqlQuery row(tx.connection());
        if (Status s = selectUsage(row,
                                   QStringLiteral("SELECT status, SUM(requests) FROM ") +
                                       tableName(part.table) + where->sql +
                                       QStringLiteral(" GROUP BY status"),
                                   where->values, doing);
            !s)
            return s.error();
        while (row.next())
            perStatus[row.value(0).toInt()] += row.value(1).toLongLong();
    }
    QList<UsageStatusCount> result;
    for (auto it = perStatus.constBegin(); it != perStatus.constEnd(); ++it)
        result.append(UsageStatusCount{it.key(), it.value()});
    return result;
}

Result<QList<UsageAggregate>> UsageAggregates::topKeysByCost(const UsageQuery &query,
                                                             int count) const {
    UsageQuery all = query;
    all.limit = -1;
    Result<QList<UsageAggregate>> lines = readAggregates(m_db, UsageGrouping::Key, all);
    if (!lines)
        return lines.error();
    QList<UsageAggregate> result = std::move(lines).value();
    std::stable_sort(result.begin(), result.end(),
                     [](const auto &a, const auto &b) { return a.costUsd > b.costUsd; });
    if (count >= 0 && result.size() > count)
        result.resize(count);
    return result;
}

Result<QList<UsageAggregate>> UsageAggregates::topRoutesByRequests(const UsageQuery &query,
                                                                   int count) const {
    UsageQuery limited = query;
    limited.limit = count;
    return readAggregates(m_db, UsageGrouping::Route, limited);
}

} // namespace portico::store
