#include "store/usagerollup.h"

#include "store/storeinternal.h"

#include <QHash>

#include <algorithm>
#include <cmath>

namespace portico::store {

using namespace detail;

namespace {

// What tells the lines apart (the table's primary key). A null text and an empty one are the
// same line (QString compares and hashes them alike): both are written as ''.
struct LineKey {
    qint64 bucketStart = 0;
    int status = 0;
    QString keyUuid;
    QString route;
    QString modelId;
    bool operator==(const LineKey &) const = default;
    // The same as == LineKey{bucket, row...}, without copying the row's texts into a key.
    bool isLineOf(qint64 bucket, const UsageRecord &row) const {
        return bucketStart == bucket && status == row.status && keyUuid == row.keyUuid &&
               route == row.route && modelId == row.modelId;
    }
};

size_t qHash(const LineKey &key, size_t seed = 0) {
    return qHashMulti(seed, key.bucketStart, key.status, key.keyUuid, key.route, key.modelId);
}

// The sums of one line of usage_hourly or usage_daily, accumulated from a batch before it is
// written.
struct HourLine {
    LineKey key;
    QString keyName;
    QString provider;
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 streamRequests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
    qint64 latencySumMs = 0;
    qint64 latencyMaxMs = 0;
    qint64 ttftSumMs = 0;
    qint64 ttftCount = 0;
    UsageRollup::Histogram histogram{};
    qint64 lastTime = 0;
};

qint64 bucketStart(qint64 ms, qint64 bucketMs) {
    return ms - (((ms % bucketMs) + bucketMs) % bucketMs);
}

} // namespace

QString UsageRollup::upsertSql(const QString &table) {
    QStringList histogramColumns;
    QStringList histogramUpdates;
    for (int i = 0; i < UsageRollup::kLatencyBuckets; ++i) {
        const QString column = UsageRollup::histogramColumn(i);
        histogramColumns.append(column);
        histogramUpdates.append(column + QStringLiteral(" = usage_hourly.") + column +
                                QStringLiteral(" + excluded.") + column);
    }
    const int columnCount = 17 + UsageRollup::kLatencyBuckets + 1;
    QStringList placeholders;
    for (int i = 0; i < columnCount; ++i)
        placeholders.append(QStringLiteral("?"));
    // The name and provider follow the latest request, as the raw rows' latest row would.
    QString sql =
        QStringLiteral("INSERT INTO usage_hourly (bucket_start, key_uuid, route, model_id, status, "
                       "key_name, provider, requests, errors, stream_requests, prompt_tokens, "
                       "completion_tokens, cost_usd, latency_sum_ms, latency_max_ms, ttft_sum_ms, "
                       "ttft_count, ") +
        histogramColumns.join(QStringLiteral(", ")) + QStringLiteral(", last_time) VALUES (") +
        placeholders.join(QStringLiteral(", ")) +
        QStringLiteral(
            ") ON CONFLICT (bucket_start, key_uuid, route, model_id, status) DO UPDATE SET "
            "key_name = CASE WHEN excluded.last_time >= usage_hourly.last_time "
            "THEN excluded.key_name ELSE usage_hourly.key_name END, "
            "provider = CASE WHEN excluded.last_time >= usage_hourly.last_time "
            "THEN excluded.provider ELSE usage_hourly.provider END, "
            "requests = usage_hourly.requests + excluded.requests, "
            "errors = usage_hourly.errors + excluded.errors, "
            "stream_requests = usage_hourly.stream_requests + excluded.stream_requests, "
            "prompt_tokens = usage_hourly.prompt_tokens + excluded.prompt_tokens, "
            "completion_tokens = usage_hourly.completion_tokens + excluded.completion_tokens, "
            "cost_usd = usage_hourly.cost_usd + excluded.cost_usd, "
            "latency_sum_ms = usage_hourly.latency_sum_ms + excluded.latency_sum_ms, "
            "latency_max_ms = CASE WHEN excluded.latency_max_ms > usage_hourly.latency_max_ms "
            "THEN excluded.latency_max_ms ELSE usage_hourly.latency_max_ms END, "
            "ttft_sum_ms = usage_hourly.ttft_sum_ms + excluded.ttft_sum_ms, "
            "ttft_count = usage_hourly.ttft_count + excluded.ttft_count, ") +
        histogramUpdates.join(QStringLiteral(", ")) +
        QStringLiteral(", last_time = CASE WHEN excluded.last_time > usage_hourly.last_time "
                       "THEN excluded.last_time ELSE usage_hourly.last_time END");
    return sql.replace(QStringLiteral("usage_hourly"), table);
}

int UsageRollup::latencyBucket(qint64 latencyMs) {
    const auto it = std::lower_bound(kLatencyBoundsMs.begin(), kLatencyBoundsMs.end(), latencyMs);
    return int(it - kLatencyBoundsMs.begin());
}

qint64 UsageRollup::hourStart(qint64 ms) {
    return ms - (((ms % kHourMs) + kHourMs) % kHourMs);
}

qint64 UsageRollup::approximateQuantile(const Histogram &counts, double fraction,
                                        qint64 maxLatencyMs) {
    qint64 total = 0;
    for (const qint64 count : counts)
        total += count;
    if (total <= 0)
        return 0;
    const qint64 rank = std::max<qint64>(1, qint64(std::ceil(fraction * double(total))));
    qint64 seen = 0;
    for (int i = 0; i < kLatencyBuckets; ++i) {
        seen += counts[size_t(i)];
        if (seen >= rank)
            return i < int(kLatencyBoundsMs.size())
                       ? std::min(kLatencyBoundsMs[size_t(i)], maxLatencyMs)
                       : maxLatencyMs;
    }
    return maxLatencyMs;
}

QString UsageRollup::histogramColumn(int bucket) {
    return QStringLiteral("lat_b") + QString::number(bucket);
}

Status UsageRollup::add(const QSqlDatabase &connection, const QList<UsageRecord> &rows) {
    if (rows.isEmpty())
        return {};
    const QString doing = QStringLiteral("updating the usage summary");
    QSqlQuery hourly(connection);
    if (Status s = prepare(hourly, upsertSql(QStringLiteral("usage_hourly")), doing); !s)
        return s;
    QSqlQuery daily(connection);
    if (Status s = prepare(daily, upsertSql(QStringLiteral("usage_daily")), doing); !s)
        return s;
    return add(hourly, daily, rows);
}

Status UsageRollup::add(QSqlQuery &hourly, QSqlQuery &daily, const QList<UsageRecord> &rows) {
    if (rows.isEmpty())
        return {};
    if (Status s = addTo(hourly, kHourMs, rows); !s)
        return s;
    return addTo(daily, kDayMs, rows);
}

Status UsageRollup::rebuild(const QSqlDatabase &connection) {
    const QString doing = QStringLiteral("rebuilding the usage summary");
    for (const QString &sql :
         {QStringLiteral("DELETE FROM usage_hourly"), QStringLiteral("DELETE FROM usage_daily"),
          hourlyBackfillSql(), dailyBackfillSql()}) {
        QSqlQuery query(connection);
        if (!query.exec(sql))
            return databaseError(query.lastError(), doing);
    }
    return {};
}

// The name and provider are those of each line's latest row, as on insert.
QString UsageRollup::hourlyBackfillSql() {
    return QStringLiteral(
        "INSERT INTO usage_hourly SELECT g.bucket_start, g.key_uuid, g.route,"
        " g.model_id, g.status, COALESCE(u.key_name, ''), COALESCE(u.provider, ''),"
        " g.requests, g.errors, g.stream_requests, g.prompt_tokens,"
        " g.completion_tokens, g.cost_usd, g.latency_sum_ms, g.latency_max_ms,"
        " g.ttft_sum_ms, g.ttft_count, g.lat_b0, g.lat_b1, g.lat_b2, g.lat_b3,"
        " g.lat_b4, g.lat_b5, g.lat_b6, g.lat_b7, g.lat_b8, g.lat_b9, g.lat_b10,"
        " g.lat_b11, g.last_time FROM ("
        "SELECT (time / 3600000) * 3600000 AS bucket_start,"
        " COALESCE(key_uuid, '') AS key_uuid, COALESCE(route, '') AS route,"
        " COALESCE(model_id, '') AS model_id, status,"
        " COUNT(*) AS requests,"
        " SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,"
        " SUM(CASE WHEN stream <> 0 THEN 1 ELSE 0 END) AS stream_requests,"
        " SUM(prompt_tokens) AS prompt_tokens,"
        " SUM(completion_tokens) AS completion_tokens, SUM(cost_usd) AS cost_usd,"
        " SUM(latency_ms) AS latency_sum_ms, MAX(latency_ms) AS latency_max_ms,"
        " SUM(CASE WHEN ttft_ms >= 0 THEN ttft_ms ELSE 0 END) AS ttft_sum_ms,"
        " SUM(CASE WHEN ttft_ms >= 0 THEN 1 ELSE 0 END) AS ttft_count,"
        " SUM(CASE WHEN latency_ms <= 100 THEN 1 ELSE 0 END) AS lat_b0,"
        " SUM(CASE WHEN latency_ms > 100 AND latency_ms <= 250 THEN 1 ELSE 0 END)"
        " AS lat_b1,"
        " SUM(CASE WHEN latency_ms > 250 AND latency_ms <= 500 THEN 1 ELSE 0 END)"
        " AS lat_b2,"
        " SUM(CASE WHEN latency_ms > 500 AND latency_ms <= 1000 THEN 1 ELSE 0 END)"
        " AS lat_b3,"
        " SUM(CASE WHEN latency_ms > 1000 AND latency_ms <= 2000 THEN 1 ELSE 0 END)"
        " AS lat_b4,"
        " SUM(CASE WHEN latency_ms > 2000 AND latency_ms <= 4000 THEN 1 ELSE 0 END)"
        " AS lat_b5,"
        " SUM(CASE WHEN latency_ms > 4000 AND latency_ms <= 8000 THEN 1 ELSE 0 END)"
        " AS lat_b6,"
        " SUM(CASE WHEN latency_ms > 8000 AND latency_ms <= 15000 THEN 1 ELSE 0 END)"
        " AS lat_b7,"
        " SUM(CASE WHEN latency_ms > 15000 AND latency_ms <= 30000 THEN 1 ELSE 0 END)"
        " AS lat_b8,"
        " SUM(CASE WHEN latency_ms > 30000 AND latency_ms <= 60000 THEN 1 ELSE 0 END)"
        " AS lat_b9,"
        " SUM(CASE WHEN latency_ms > 60000 AND latency_ms <= 120000 THEN 1 ELSE 0 END)"
        " AS lat_b10,"
        " SUM(CASE WHEN latency_ms > 120000 THEN 1 ELSE 0 END) AS lat_b11,"
        " MAX(time) AS last_time, MAX(id) AS last_id FROM usage"
        " GROUP BY (time / 3600000) * 3600000, COALESCE(key_uuid, ''),"
        " COALESCE(route, ''), COALESCE(model_id, ''), status) g"
        " JOIN usage u ON u.id = g.last_id");
}

// The name and provider come from the day's last hourly line.
QString UsageRollup::dailyBackfillSql() {
    return QStringLiteral(
        "INSERT INTO usage_daily SELECT g.day_start, g.key_uuid, g.route, g.model_id,"
        " g.status, h.key_name, h.provider, g.requests, g.errors, g.stream_requests,"
        " g.prompt_tokens, g.completion_tokens, g.cost_usd, g.latency_sum_ms,"
        " g.latency_max_ms, g.ttft_sum_ms, g.ttft_count, g.lat_b0, g.lat_b1, g.lat_b2,"
        " g.lat_b3, g.lat_b4, g.lat_b5, g.lat_b6, g.lat_b7, g.lat_b8, g.lat_b9,"
        " g.lat_b10, g.lat_b11, g.last_time FROM ("
        "SELECT (bucket_start / 86400000) * 86400000 AS day_start, key_uuid, route,"
        " model_id, status, SUM(requests) AS requests, SUM(errors) AS errors,"
        " SUM(stream_requests) AS stream_requests, SUM(prompt_tokens) AS prompt_tokens,"
        " SUM(completion_tokens) AS completion_tokens, SUM(cost_usd) AS cost_usd,"
        " SUM(latency_sum_ms) AS latency_sum_ms, MAX(latency_max_ms) AS latency_max_ms,"
        " SUM(ttft_sum_ms) AS ttft_sum_ms, SUM(ttft_count) AS ttft_count,"
        " SUM(lat_b0) AS lat_b0, SUM(lat_b1) AS lat_b1, SUM(lat_b2) AS lat_b2,"
        " SUM(lat_b3) AS lat_b3, SUM(lat_b4) AS lat_b4, SUM(lat_b5) AS lat_b5,"
        " SUM(lat_b6) AS lat_b6, SUM(lat_b7) AS lat_b7, SUM(lat_b8) AS lat_b8,"
        " SUM(lat_b9) AS lat_b9, SUM(lat_b10) AS lat_b10, SUM(lat_b11) AS lat_b11,"
        " MAX(last_time) AS last_time, MAX(bucket_start) AS last_bucket"
        " FROM usage_hourly"
        " GROUP BY (bucket_start / 86400000) * 86400000, key_uuid, route, model_id,"
        " status) g"
        " JOIN usage_hourly h ON h.bucket_start = g.last_bucket"
        " AND h.key_uuid = g.key_uuid AND h.route = g.route"
        " AND h.model_id = g.model_id AND h.status = g.status");
}

// A batch usually holds many requests of the same key, route and hour: summing them here first
// turns thousands of upserts into a handful.
Status UsageRollup::addTo(QSqlQuery &query, qint64 bucketMs, const QList<UsageRecord> &rows) {
    QList<HourLine> lines;
    QHash<LineKey, qsizetype> lineIndex;
    qsizetype previous = -1;
    for (const UsageRecord &row : rows) {
        const qint64 time = row.time.isValid() ? row.time.toMSecsSinceEpoch() : nowMs();
        const qint64 bucket = bucketStart(time, bucketMs);
        // Consecutive rows mostly share their line (one key on one route): that is checked
        // before the hash.
        qsizetype index = previous;
        if (index < 0 || !lines[index].key.isLineOf(bucket, row)) {
            const LineKey key{bucket, row.status, row.keyUuid, row.route, row.modelId};
            auto found = lineIndex.constFind(key);
            if (found == lineIndex.constEnd()) {
                lines.append(HourLine{key, row.keyName, row.provider});
                lines.last().lastTime = time;
                found = lineIndex.insert(key, lines.size() - 1);
            }
            index = *found;
        }
        previous = index;
        HourLine &line = lines[index];
        if (time >= line.lastTime) {
            line.lastTime = time;
            line.keyName = row.keyName;
            line.provider = row.provider;
        }
        ++line.requests;
        if (row.status >= 400)
            ++line.errors;
        if (row.stream)
            ++line.streamRequests;
        line.promptTokens += row.promptTokens;
        line.completionTokens += row.completionTokens;
        line.costUsd += row.costUsd;
        line.latencySumMs += row.latencyMs;
        line.latencyMaxMs = std::max(line.latencyMaxMs, row.latencyMs);
        if (row.ttftMs >= 0) {
            line.ttftSumMs += row.ttftMs;
            ++line.ttftCount;
        }
        ++line.histogram[size_t(latencyBucket(row.latencyMs))];
    }

    const QString doing = QStringLiteral("updating the usage summary");
    // "" rather than NULL: NULLs never conflict, so they would defeat the upsert.
    for (const HourLine &line : std::as_const(lines)) {
        int column = 0;
        const LineKey &key = line.key;
        query.bindValue(column++, key.bucketStart);
        query.bindValue(column++, key.keyUuid.isNull() ? QStringLiteral("") : key.keyUuid);
        query.bindValue(column++, key.route.isNull() ? QStringLiteral("") : key.route);
        query.bindValue(column++, key.modelId.isNull() ? QStringLiteral("") : key.modelId);
        query.bindValue(column++, key.status);
        query.bindValue(column++, line.keyName.isNull() ? QStringLiteral("") : line.keyName);
        query.bindValue(column++, line.provider.isNull() ? QStringLiteral("") : line.provider);
        query.bindValue(column++, line.requests);
        query.bindValue(column++, line.errors);
        query.bindValue(column++, line.streamRequests);
        query.bindValue(column++, line.promptTokens);
        query.bindValue(column++, line.completionTokens);
        query.bindValue(column++, line.costUsd);
        query.bindValue(column++, line.latencySumMs);
        query.bindValue(column++, line.latencyMaxMs);
        query.bindValue(column++, line.ttftSumMs);
        query.bindValue(column++, line.ttftCount);
        for (const qint64 count : line.histogram)
            query.bindValue(column++, count);
        query.bindValue(column++, line.lastTime);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    return {};
}

} // namespace portico::store
