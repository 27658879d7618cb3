#include "schemaversion4.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usageaggregates.h"
#include "store/usagerollup.h"
#include "store/usagestore.h"
#include "store/usagewriter.h"
#include "usagesums.h"

#include <QElapsedTimer>
#include <QMap>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>

using namespace portico::store;
using portico::testsupport::UsageSums;

namespace {

const QString kActor = QStringLiteral("test:rollup");
// An hour-aligned start, so hour windows of the queries match raw rows exactly.
const qint64 kStartMs = QDateTime(QDate(2026, 1, 5), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
constexpr qint64 kHour = UsageRollup::kHourMs;
constexpr int kHours = 72;
// "beta" is renamed from this hour on: its rows before say "beta", after "beta 2".
constexpr int kRenameHour = 40;

struct Workload {
    QList<UsageRecord> rows;
    QMap<QString, QString> keyUuids; // name -> uuid
    QString deletedUuid;
};

// What a line of aggregates must be, computed from the raw rows the test generated; with every
// latency, for the true p95 that the roll-up's approximation is held to.
struct ExpectedLine {
    UsageSums sums;
    QList<qint64> latencies;

    void add(const UsageRecord &row) {
        sums.add(row);
        latencies.append(row.latencyMs);
    }
    qint64 trueP95() const {
        QList<qint64> sorted = latencies;
        std::sort(sorted.begin(), sorted.end());
        const qsizetype rank =
            std::max<qsizetype>(1, qsizetype(std::ceil(0.95 * double(sorted.size()))));
        return sorted.at(rank - 1);
    }
};

QString lineId(UsageGrouping grouping, const UsageRecord &row) {
    switch (grouping) {
    case UsageGrouping::Key:
        return row.keyUuid;
    case UsageGrouping::Route:
        return row.route;
    case UsageGrouping::Model:
        return row.modelId;
    case UsageGrouping::Day:
        return QString::number(row.time.toMSecsSinceEpoch() / UsageRollup::kDayMs *
                               UsageRollup::kDayMs);
    case UsageGrouping::Hour:
        return QString::number(UsageRollup::hourStart(row.time.toMSecsSinceEpoch()));
    }
    return {};
}

QString lineId(UsageGrouping grouping, const UsageAggregate &line) {
    switch (grouping) {
    case UsageGrouping::Key:
        return line.keyUuid;
    case UsageGrouping::Route:
        return line.route;
    case UsageGrouping::Model:
        return line.modelId;
    case UsageGrouping::Day:
    case UsageGrouping::Hour:
        return QString::number(line.bucketStart.toMSecsSinceEpoch());
    }
    return {};
}

bool closeTo(double a, double b) {
    return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

// Compares one aggregate line with the raw rows' figures; says what differs.
QString mismatch(const UsageAggregate &line, const ExpectedLine &want) {
    const UsageSums &sums = want.sums;
    QStringList diffs;
    const auto check = [&](const char *what, qint64 got, qint64 expected) {
        if (got != expected)
            diffs.append(
                QStringLiteral("%1 %2 != %3").arg(QLatin1String(what)).arg(got).arg(expected));
    };
    check("requests", line.requests, sums.requests);
    check("errors", line.errors, sums.errors);
    check("stream", line.streamRequests, sums.streamRequests);
    check("prompt", line.promptTokens, sums.promptTokens);
    check("completion", line.completionTokens, sums.completionTokens);
    check("max latency", line.maxLatencyMs, sums.maxLatencyMs);
    check("last time", line.lastTime.toMSecsSinceEpoch(), sums.lastTime.toMSecsSinceEpoch());
    if (!closeTo(line.costUsd, sums.costUsd))
        diffs.append(QStringLiteral("cost %1 != %2").arg(line.costUsd).arg(sums.costUsd));
    if (!closeTo(line.avgLatencyMs, sums.averageLatencyMs()))
        diffs.append(QStringLiteral("avg latency %1").arg(line.avgLatencyMs));
    const double ttft = sums.averageTtftMs();
    if (!closeTo(line.avgTtftMs, ttft))
        diffs.append(QStringLiteral("avg ttft %1 != %2").arg(line.avgTtftMs).arg(ttft));
    // The approximation never understates the p95 and stays within the true p95's bucket.
    const qint64 p95 = want.trueP95();
    if (line.p95LatencyMs < p95 ||
        UsageRollup::latencyBucket(line.p95LatencyMs) != UsageRollup::latencyBucket(p95))
        diffs.append(QStringLiteral("p95 %1 vs true %2").arg(line.p95LatencyMs).arg(p95));
    return diffs.join(QStringLiteral("; "));
}

UsageRecord makeRow(QRandomGenerator &random, const Workload &workload, qint64 time) {
    static const QStringList routes = {QStringLiteral("chat"), QStringLiteral("embed"),
                                       QStringLiteral("vision"), QStringLiteral("code")};
    static const QStringList keyNames = {QStringLiteral("alpha"), QStringLiteral("beta"),
                                         QStringLiteral("gamma"), QStringLiteral("delta"),
                                         QStringLiteral("doomed")};
    UsageRecord row;
    row.time = QDateTime::fromMSecsSinceEpoch(time, Qt::UTC);
    row.requestId = QStringLiteral("req-%1").arg(random.generate64());
    row.route = routes.at(random.bounded(int(routes.size())));
    row.modelId =
        row.route + (random.bounded(2) == 0 ? QStringLiteral("-small") : QStringLiteral("-large"));
    row.provider = QStringLiteral("mock");
    const int pick = random.bounded(100);
    if (pick < 8) {
        row.status = 401; // refused: no valid key
        row.errorCode = QStringLiteral("invalid_api_key");
        row.latencyMs = random.bounded(5);
        return row;
    }
    const QString name = keyNames.at(pick % keyNames.size());
    row.keyUuid = workload.keyUuids.value(name);
    row.keyName = name;
    if (name == QLatin1String("beta") && time >= kStartMs + kRenameHour * kHour)
        row.keyName = QStringLiteral("beta 2");
    static const int statuses[] = {403, 429, 500, 502, 400};
    row.status = random.bounded(100) < 80 ? 200 : statuses[random.bounded(5)];
    row.stream = random.bounded(100) < 40;
    // Latencies from 1 ms to ~4 min, spread over every histogram bucket.
    row.latencyMs = qint64(std::pow(10.0, random.bounded(5.4)));
    if (row.status == 200) {
        row.promptTokens = random.bounded(1, 2000);
        row.completionTokens = random.bounded(1, 800);
        row.costUsd = double(row.promptTokens) * 1e-6 + double(row.completionTokens) * 3e-6;
        row.ttftMs = row.stream ? row.latencyMs / 3 : row.latencyMs;
    } else {
        row.errorCode = QStringLiteral("upstream_error");
    }
    return row;
}

// Generates `count` rows over kHours hours into `db`, in shuffled batches (so lines are
// updated both within a batch and across batches), then deletes the key "doomed".
Workload generateWorkload(Database &db, int count) {
    Workload workload;
    KeyStore keys(db, kActor);
    GroupStore groups(db, kActor);
    groups.createGroup(QStringLiteral("team"));
    for (const char *name : {"alpha", "beta", "gamma", "delta", "doomed"}) {
        const QString keyName = QLatin1String(name);
        const QStringList memberOf =
            keyName == QLatin1String("alpha") || keyName == QLatin1String("beta")
                ? QStringList{QStringLiteral("team")}
                : QStringList{};
        auto created = keys.createKey(keyName, memberOf);
        if (created)
            workload.keyUuids.insert(keyName, created->record.uuid);
    }
    workload.deletedUuid = workload.keyUuids.value(QStringLiteral("doomed"));
    QRandomGenerator random(20261127);
    for (int i = 0; i < count; ++i)
        workload.rows.append(makeRow(random, workload, kStartMs + random.bounded(kHours * kHour)));
    std::shuffle(workload.rows.begin(), workload.rows.end(), random);
    UsageStore usage(db);
    constexpr int kBatch = 250;
    for (qsizetype i = 0; i < workload.rows.size(); i += kBatch)
        usage.insert(workload.rows.mid(i, kBatch));
    keys.deleteKey(QStringLiteral("doomed"));
    return workload;
}

bool matches(const UsageRecord &row, const UsageQuery &query, const QStringList &groupMembers) {
    const qint64 time = row.time.toMSecsSinceEpoch();
    if (query.since.isValid() && time < query.since.toMSecsSinceEpoch())
        return false;
    if (query.until.isValid() && time >= query.until.toMSecsSinceEpoch())
        return false;
    if (!query.keyUuids.isEmpty() && !query.keyUuids.contains(row.keyUuid))
        return false;
    if (!query.group.isEmpty() && !groupMembers.contains(row.keyUuid))
        return false;
    if (!query.route.isEmpty() && row.route != query.route)
        return false;
    if (!query.modelId.isEmpty() && row.modelId != query.modelId)
        return false;
    if (query.statusFrom >= 0 && row.status < query.statusFrom)
        return false;
    if (query.statusTo >= 0 && row.status > query.statusTo)
        return false;
    return true;
}

const char *groupingName(UsageGrouping grouping) {
    switch (grouping) {
    case UsageGrouping::Key:
        return "key";
    case UsageGrouping::Route:
        return "route";
    case UsageGrouping::Model:
        return "model";
    case UsageGrouping::Day:
        return "day";
    case UsageGrouping::Hour:
        return "hour";
    }
    return "?";
}

// The queries every grouping is checked with: hour-aligned windows, as the roll-up keeps hours.
QList<std::pair<QString, UsageQuery>> sampleQueries(const Workload &workload) {
    QList<std::pair<QString, UsageQuery>> queries;
    queries.append({QStringLiteral("everything"), UsageQuery{}});
    UsageQuery window;
    window.since = QDateTime::fromMSecsSinceEpoch(kStartMs + 5 * kHour, Qt::UTC);
    // Partial first day, a whole day, partial last day: hourly, daily and hourly lines.
    window.until = QDateTime::fromMSecsSinceEpoch(kStartMs + 60 * kHour, Qt::UTC);
    queries.append({QStringLiteral("window"), window});
    UsageQuery keys;
    keys.keyUuids = {workload.keyUuids.value(QStringLiteral("alpha")), workload.deletedUuid,
                     QString()};
    queries.append({QStringLiteral("keys"), keys});
    UsageQuery group;
    group.group = QStringLiteral("team");
    group.since = window.since;
    queries.append({QStringLiteral("group"), group});
    UsageQuery route;
    route.route = QStringLiteral("chat");
    route.modelId = QStringLiteral("chat-large");
    queries.append({QStringLiteral("route+model"), route});
    UsageQuery errors;
    errors.statusFrom = 400;
    errors.statusTo = 499;
    errors.until = window.until;
    queries.append({QStringLiteral("4xx"), errors});
    UsageQuery short_;
    short_.since = QDateTime::fromMSecsSinceEpoch(kStartMs + 26 * kHour, Qt::UTC);
    short_.until = QDateTime::fromMSecsSinceEpoch(kStartMs + 29 * kHour, Qt::UTC);
    queries.append({QStringLiteral("three hours"), short_});
    return queries;
}

// Checks every grouping of every sample query against the raw rows.
void checkAggregates(Database &db, const Workload &workload) {
    const QStringList team = {workload.keyUuids.value(QStringLiteral("alpha")),
                              workload.keyUuids.value(QStringLiteral("beta"))};
    UsageAggregates aggregates(db);
    for (const auto &[label, query] : sampleQueries(workload)) {
        for (UsageGrouping grouping :
             {UsageGrouping::Key, UsageGrouping::Route, UsageGrouping::Model, UsageGrouping::Day,
              UsageGrouping::Hour}) {
            QMap<QString, ExpectedLine> expected;
            ExpectedLine total;
            for (const UsageRecord &row : workload.rows) {
                if (matches(row, query, team)) {
                    expected[lineId(grouping, row)].add(row);
                    total.add(row);
                }
            }
            const QString where =
                label + QStringLiteral(" by ") + QLatin1String(groupingName(grouping));
            auto lines = aggregates.aggregate(grouping, query);
            QVERIFY2(lines.ok(), qPrintable(lines.error().message));
            QVERIFY2(!lines->isEmpty(), qPrintable(where));
            QCOMPARE(lines->size(), expected.size());
            for (qsizetype i = 0; i < lines->size(); ++i) {
                const UsageAggregate &line = lines->at(i);
                const QString id = lineId(grouping, line);
                QVERIFY2(expected.contains(id), qPrintable(where + QStringLiteral(": ") + id));
                const ExpectedLine &want = expected.value(id);
                const QString diff = mismatch(line, want);
                QVERIFY2(diff.isEmpty(), qPrintable(where + QStringLiteral(" ") + id +
                                                    QStringLiteral(": ") + diff));
                if (grouping == UsageGrouping::Key) {
                    QCOMPARE(line.keyName, want.sums.keyName);
                    QCOMPARE(line.deleted, !id.isEmpty() && id == workload.deletedUuid);
                }
                if (i > 0) {
                    const UsageAggregate &previous = lines->at(i - 1);
                    if (grouping == UsageGrouping::Day || grouping == UsageGrouping::Hour)
                        QVERIFY(previous.bucketStart < line.bucketStart);
                    else
                        QVERIFY(previous.requests >= line.requests);
                }
            }

            if (grouping == UsageGrouping::Key) {
                auto totals = aggregates.totals(query);
                QVERIFY2(totals.ok(), qPrintable(totals.error().message));
                const QString diff = mismatch(*totals, total);
                QVERIFY2(diff.isEmpty(), qPrintable(label + QStringLiteral(" totals: ") + diff));

                QMap<int, qint64> perStatus;
                for (const UsageRecord &row : workload.rows) {
                    if (matches(row, query, team))
                        ++perStatus[row.status];
                }
                auto statuses = aggregates.countsByStatus(query);
                QVERIFY(statuses.ok());
                QCOMPARE(statuses->size(), perStatus.size());
                for (const UsageStatusCount &count : *statuses)
                    QCOMPARE(count.requests, perStatus.value(count.status));
            }
        }
    }
}

} // namespace

class TestUsageRollup : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void latencyBuckets();
    void aggregatesMatchRawRows();
    void seriesAndTops();
    void rawRowsForDrillDown();
    void migrationBackfillsTheRollup();
    void rebuildMatchesIncrementalRollup();
    void pruningKeepsAggregates();
    void largeStoreAnswersQuickly();
    void nullAndEmptyTextsAreOneLine();
};

void TestUsageRollup::latencyBuckets() {
    QCOMPARE(UsageRollup::latencyBucket(0), 0);
    QCOMPARE(UsageRollup::latencyBucket(100), 0);
    QCOMPARE(UsageRollup::latencyBucket(101), 1);
    QCOMPARE(UsageRollup::latencyBucket(120000), 10);
    QCOMPARE(UsageRollup::latencyBucket(120001), 11);
    UsageRollup::Histogram histogram{};
    QCOMPARE(UsageRollup::approximateQuantile(histogram, 0.95, 0), 0);
    histogram[0] = 95;
    histogram[3] = 5;
    QCOMPARE(UsageRollup::approximateQuantile(histogram, 0.95, 900), 100);
    QCOMPARE(UsageRollup::approximateQuantile(histogram, 0.96, 900), 900);
    histogram[11] = 100;
    QCOMPARE(UsageRollup::approximateQuantile(histogram, 0.95, 250000), 250000);
    QCOMPARE(UsageRollup::hourStart(kStartMs + kHour + 5), kStartMs + kHour);
}

void TestUsageRollup::aggregatesMatchRawRows() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("usage.db")));
    QVERIFY2(db.ok(), qPrintable(db.error().message));
    const Workload workload = generateWorkload(**db, 4000);
    QCOMPARE(*UsageStore(**db).count({}), qint64(workload.rows.size()));
    checkAggregates(**db, workload);
    if (QTest::currentTestFailed())
        return;

    // A group that does not exist is an error, not an empty answer.
    UsageQuery unknown;
    unknown.group = QStringLiteral("nobody");
    auto refused = UsageAggregates(**db).aggregate(UsageGrouping::Key, unknown);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::NotFound);

    // The limit keeps the busiest lines.
    UsageQuery two;
    two.limit = 2;
    auto busiest = UsageAggregates(**db).aggregate(UsageGrouping::Route, two);
    QCOMPARE(busiest->size(), 2);
    QCOMPARE(busiest->at(0).route,
             UsageAggregates(**db).aggregate(UsageGrouping::Route, {})->at(0).route);
}

void TestUsageRollup::seriesAndTops() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("usage.db")));
    QVERIFY(db.ok());
    const Workload workload = generateWorkload(**db, 1500);
    UsageAggregates aggregates(**db);

    // Hours with nothing are in the chart as zeros.
    UsageQuery period;
    period.since = QDateTime::fromMSecsSinceEpoch(kStartMs - 3 * kHour, Qt::UTC);
    period.until = QDateTime::fromMSecsSinceEpoch(kStartMs + (kHours + 2) * kHour, Qt::UTC);
    auto hours = aggregates.series(period, UsageGrouping::Hour);
    QVERIFY2(hours.ok(), qPrintable(hours.error().message));
    QCOMPARE(hours->size(), kHours + 5);
    QCOMPARE(hours->at(0).requests, 0);
    QCOMPARE(hours->at(0).bucketStart, period.since);
    qint64 requests = 0;
    double cost = 0;
    for (const UsageSeriesPoint &point : *hours) {
        requests += point.requests;
        cost += point.costUsd;
    }
    QCOMPARE(requests, qint64(workload.rows.size()));
    QVERIFY(closeTo(cost, aggregates.totals({})->costUsd));

    // Days in UTC+2 start at 22:00 UTC: 3 days of data starting at midnight UTC touch 4.
    period.utcOffsetSeconds = 2 * 3600;
    period.since = QDateTime::fromMSecsSinceEpoch(kStartMs, Qt::UTC);
    period.until = QDateTime::fromMSecsSinceEpoch(kStartMs + kHours * kHour, Qt::UTC);
    auto days = aggregates.series(period, UsageGrouping::Day);
    QVERIFY(days.ok());
    QCOMPARE(days->size(), 4);
    QCOMPARE(days->at(0).bucketStart.toMSecsSinceEpoch(), kStartMs - 2 * kHour);
    requests = 0;
    for (const UsageSeriesPoint &point : *days)
        requests += point.requests;
    QCOMPARE(requests, qint64(workload.rows.size()));
    QVERIFY(!aggregates.series(period, UsageGrouping::Key).ok());

    auto topKeys = aggregates.topKeysByCost({}, 3);
    QVERIFY(topKeys.ok());
    QCOMPARE(topKeys->size(), 3);
    auto allKeys = aggregates.aggregate(UsageGrouping::Key, {});
    double highest = 0;
    for (const UsageAggregate &line : *allKeys)
        highest = std::max(highest, line.costUsd);
    QCOMPARE(topKeys->at(0).costUsd, highest);
    QVERIFY(topKeys->at(0).costUsd >= topKeys->at(1).costUsd);
    QVERIFY(topKeys->at(1).costUsd >= topKeys->at(2).costUsd);

    auto topRoutes = aggregates.topRoutesByRequests({}, 2);
    QCOMPARE(topRoutes->size(), 2);
    QVERIFY(topRoutes->at(0).requests >= topRoutes->at(1).requests);
}

void TestUsageRollup::rawRowsForDrillDown() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("usage.db")));
    QVERIFY(db.ok());
    const Workload workload = generateWorkload(**db, 600);
    UsageStore usage(**db);

    UsageQuery query;
    query.group = QStringLiteral("team");
    query.statusFrom = 200;
    query.statusTo = 299;
    QList<UsageRecord> wanted;
    const QStringList team = {workload.keyUuids.value(QStringLiteral("alpha")),
                              workload.keyUuids.value(QStringLiteral("beta"))};
    for (const UsageRecord &row : workload.rows) {
        if (matches(row, query, team))
            wanted.append(row);
    }
    std::stable_sort(wanted.begin(), wanted.end(),
                     [](const auto &a, const auto &b) { return a.time > b.time; });
    QVERIFY(wanted.size() > 50);
    QCOMPARE(*usage.count(query), qint64(wanted.size()));

    // Pages, newest first, cover every row once.
    QList<UsageRecord> paged;
    for (qint64 offset = 0;; offset += 40) {
        auto page = usage.page(query, offset, 40);
        QVERIFY2(page.ok(), qPrintable(page.error().message));
        paged.append(*page);
        if (page->size() < 40)
            break;
    }
    QCOMPARE(paged.size(), wanted.size());
    for (qsizetype i = 0; i < paged.size(); ++i) {
        QCOMPARE(paged.at(i).time, wanted.at(i).time);
        QVERIFY(team.contains(paged.at(i).keyUuid));
        QCOMPARE(paged.at(i).status, 200);
    }

    // Requests without a key are found with an empty uuid.
    UsageQuery anonymous;
    anonymous.keyUuids = {QString()};
    qint64 withoutKey = 0;
    for (const UsageRecord &row : workload.rows)
        withoutKey += row.keyUuid.isEmpty() ? 1 : 0;
    QCOMPARE(*usage.count(anonymous), withoutKey);
    QCOMPARE(usage.page(anonymous, 0, -1)->size(), withoutKey);

    // forEach streams oldest first and stops when asked.
    qint64 seen = 0;
    QDateTime previous;
    bool ordered = true;
    QVERIFY(usage.forEach({}, [&](const UsageRecord &row) {
        ordered = ordered && (!previous.isValid() || previous <= row.time);
        previous = row.time;
        return ++seen < 100;
    }));
    QCOMPARE(seen, 100);
    QVERIFY(ordered);
}

// Every column of both roll-up tables, in a fixed order, as text: for exact comparison.
static QStringList rollupLines(Database &db) {
    QStringList lines;
    for (const char *table : {"usage_hourly", "usage_daily"}) {
        QSqlQuery query(db.connection());
        if (!query.exec(QStringLiteral("SELECT * FROM %1 ORDER BY bucket_start, key_uuid, route, "
                                       "model_id, status")
                            .arg(QLatin1String(table))))
            return {QStringLiteral("query failed")};
        while (query.next()) {
            QStringList fields{QLatin1String(table)};
            for (int i = 0; i < query.record().count(); ++i) {
                const QVariant value = query.value(i);
                // Sums of doubles may differ in the last bit with the order of addition.
                fields << (value.typeId() == QMetaType::Double
                               ? QString::number(value.toDouble(), 'g', 12)
                               : value.toString());
            }
            lines << fields.join(QLatin1Char('|'));
        }
    }
    return lines;
}

// UsageRollup::rebuild() (and so the schema-3 back-fill) gives exactly the lines that add()
// maintained row by row: the 5-million-row test builds its store with it.
void TestUsageRollup::rebuildMatchesIncrementalRollup() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("rebuild.db")));
    QVERIFY(db.ok());
    generateWorkload(**db, 3000);
    const QStringList incremental = rollupLines(**db);
    QVERIFY(incremental.size() > 100);

    Transaction tx(**db);
    QVERIFY(tx.isOpen());
    const Status rebuilt = UsageRollup::rebuild(tx.connection());
    QVERIFY2(rebuilt.ok(), qPrintable(rebuilt.error().message));
    QVERIFY(tx.commit().ok());
    const QStringList fromRaw = rollupLines(**db);
    QCOMPARE(fromRaw.size(), incremental.size());
    for (qsizetype i = 0; i < fromRaw.size(); ++i)
        QCOMPARE(fromRaw.at(i), incremental.at(i));
}

void TestUsageRollup::migrationBackfillsTheRollup() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    Workload workload;
    {
        auto db = Database::open(path);
        QVERIFY(db.ok());
        workload = generateWorkload(**db, 3000);
        // Back to what version 2 had: raw rows, no roll-up, the key index of version 2.
        QVERIFY(portico::test::downgradeToSchemaVersion4((*db)->connection()));
        QSqlQuery query((*db)->connection());
        QVERIFY(query.exec(QStringLiteral("DROP TABLE usage_hourly")));
        QVERIFY(query.exec(QStringLiteral("DROP TABLE usage_daily")));
        QVERIFY(query.exec(QStringLiteral("DROP INDEX usage_key_time_idx")));
        QVERIFY(query.exec(QStringLiteral("CREATE INDEX usage_key_uuid_idx ON usage (key_uuid)")));
        QVERIFY(
            query.exec(QStringLiteral("UPDATE meta SET value = '2' WHERE key = 'schema_version'")));
    }
    auto db = Database::open(path);
    QVERIFY2(db.ok(), qPrintable(db.error().message));
    QCOMPARE((*db)->schemaVersion(), Database::kSchemaVersion);
    checkAggregates(**db, workload);
    if (QTest::currentTestFailed())
        return;

    // New rows land on top of the back-filled lines.
    UsageRecord extra = workload.rows.constFirst();
    extra.requestId = QStringLiteral("after-upgrade");
    QVERIFY(UsageStore(**db).insert({extra}));
    workload.rows.append(extra);
    checkAggregates(**db, workload);
}

void TestUsageRollup::pruningKeepsAggregates() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("usage.db")));
    QVERIFY(db.ok());
    const Workload workload = generateWorkload(**db, 12000);
    UsageStore usage(**db);
    const QDateTime cutoff = QDateTime::fromMSecsSinceEpoch(kStartMs + 50 * kHour + 17, Qt::UTC);
    qint64 older = 0;
    for (const UsageRecord &row : workload.rows)
        older += row.time < cutoff ? 1 : 0;
    QVERIFY(older > 5000); // more than one batch

    const qint64 counterBefore = (*db)->changeCounter();
    auto pruned = usage.pruneRawUsage(cutoff);
    QVERIFY2(pruned.ok(), qPrintable(pruned.error().message));
    QCOMPARE(*pruned, older);
    QCOMPARE((*db)->changeCounter(), counterBefore);
    QCOMPARE(*usage.count({}), qint64(workload.rows.size()) - older);
    UsageQuery before;
    before.until = cutoff;
    QCOMPARE(*usage.count(before), 0);
    QCOMPARE(*usage.pruneRawUsage(cutoff), 0);
    QVERIFY(!usage.pruneRawUsage(QDateTime()).ok());

    // The aggregates still count every request.
    checkAggregates(**db, workload);
}

// Not a benchmark with a verdict: it reports how the roll-up copes with a large store.
// 200k rows keep the suite short; PORTICO_USAGE_ROWS=1000000 (or 5000000) measures more.
void TestUsageRollup::largeStoreAnswersQuickly() {
    const int rowCount = qEnvironmentVariableIsSet("PORTICO_USAGE_ROWS")
                             ? qEnvironmentVariableIntValue("PORTICO_USAGE_ROWS")
                             : 200000;
    constexpr int kBatch = 10000;
    constexpr int kKeys = 50;
    constexpr qint64 kDays = 30;
    QTemporaryDir dir;
    auto opened = Database::open(dir.filePath(QStringLiteral("large.db")));
    QVERIFY(opened.ok());
    Database &db = **opened;
    KeyStore keys(db, kActor);
    QStringList uuids;
    for (int i = 0; i < kKeys; ++i)
        uuids.append(keys.createKey(QStringLiteral("key %1").arg(i))->record.uuid);
    const QStringList routes = {QStringLiteral("chat"),   QStringLiteral("embed"),
                                QStringLiteral("vision"), QStringLiteral("code"),
                                QStringLiteral("audio"),  QStringLiteral("rerank")};
    const qint64 endMs = UsageRollup::hourStart(QDateTime::currentMSecsSinceEpoch());
    const qint64 startMs = endMs - kDays * UsageRollup::kDayMs;
    const qint64 stepMs = (endMs - startMs) / rowCount;

    UsageStore usage(db);
    QRandomGenerator random(5);
    QElapsedTimer timer;
    timer.start();
    qint64 written = 0;
    while (written < rowCount) {
        QList<UsageRecord> batch;
        batch.reserve(kBatch);
        for (int i = 0; i < kBatch && written < rowCount; ++i, ++written) {
            UsageRecord row;
            row.time = QDateTime::fromMSecsSinceEpoch(startMs + written * stepMs, Qt::UTC);
            const int key = random.bounded(kKeys);
            row.keyUuid = uuids.at(key);
            row.keyName = QStringLiteral("key %1").arg(key);
            row.route = routes.at(random.bounded(int(routes.size())));
            row.modelId = row.route + QStringLiteral("-model");
            row.provider = QStringLiteral("mock");
            const int pick = random.bounded(100);
            row.status = pick < 94 ? 200 : pick < 97 ? 429 : 500;
            row.stream = pick % 2 == 0;
            row.promptTokens = random.bounded(1, 1000);
            row.completionTokens = random.bounded(1, 500);
            row.costUsd = double(row.promptTokens + row.completionTokens) * 1e-6;
            row.latencyMs = random.bounded(20, 5000);
            row.ttftMs = row.latencyMs / 4;
            batch.append(row);
        }
        QVERIFY(usage.insert(batch));
    }
    const qint64 insertMs = std::max<qint64>(1, timer.elapsed());
    qint64 hourlyLines = 0;
    {
        QSqlQuery query(db.connection());
        QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM usage_hourly")) && query.next());
        hourlyLines = query.value(0).toLongLong();
    }
    qInfo("inserted %d usage rows in batches of %d in %lld ms (%lld rows/s); %lld hourly lines",
          rowCount, kBatch, insertMs, qint64(rowCount) * 1000 / insertMs, hourlyLines);

    UsageAggregates aggregates(db);
    UsageQuery month;
    month.since = QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC);
    month.until = QDateTime::fromMSecsSinceEpoch(endMs, Qt::UTC);
    const auto measure = [&](const char *what, const std::function<bool()> &run) {
        timer.restart();
        const bool ok = run();
        qInfo("%-40s %6lld ms", what, timer.elapsed());
        return ok;
    };
    QVERIFY(measure("by key, 30 days", [&] {
        auto lines = aggregates.aggregate(UsageGrouping::Key, month);
        qint64 requests = 0;
        for (const UsageAggregate &line : *lines)
            requests += line.requests;
        return lines->size() == kKeys && requests == rowCount;
    }));
    QVERIFY(measure("by route, 30 days", [&] {
        return aggregates.aggregate(UsageGrouping::Route, month)->size() == routes.size();
    }));
    QVERIFY(measure("by day, 30 days", [&] {
        // An hour-aligned month touches 30 or 31 UTC days.
        const qsizetype days = aggregates.aggregate(UsageGrouping::Day, month)->size();
        return days == kDays || days == kDays + 1;
    }));
    QVERIFY(measure("series per hour, 30 days", [&] {
        return aggregates.series(month, UsageGrouping::Hour)->size() == kDays * 24;
    }));
    QVERIFY(
        measure("totals, 30 days", [&] { return aggregates.totals(month)->requests == rowCount; }));
    QVERIFY(measure("counts by status, 30 days",
                    [&] { return aggregates.countsByStatus(month)->size() == 3; }));
    QVERIFY(measure("top 10 keys by cost, 30 days",
                    [&] { return aggregates.topKeysByCost(month, 10)->size() == 10; }));
    UsageQuery oneKey = month;
    oneKey.keyUuids = {uuids.at(7)};
    QVERIFY(measure("one key (detail panel), 30 days",
                    [&] { return aggregates.totals(oneKey)->requests > 0; }));
    UsageQuery day = month;
    day.since = QDateTime::fromMSecsSinceEpoch(endMs - UsageRollup::kDayMs, Qt::UTC);
    QVERIFY(measure("by key, last 24 h", [&] {
        return aggregates.aggregate(UsageGrouping::Key, day)->size() == kKeys;
    }));
    QVERIFY(measure("raw page 1 (100 newest), 30 days",
                    [&] { return usage.page(month, 0, 100)->size() == 100; }));
    QVERIFY(measure("raw page of one key, offset 1000",
                    [&] { return usage.page(oneKey, 1000, 100)->size() == 100; }));
    QVERIFY(measure("raw count, 30 days", [&] { return *usage.count(month) == rowCount; }));
}

// A refusal without a key has a null uuid, a folded one an empty text: the roll-up stores both as
// '' (NULLs never conflict in the upsert), so in one batch and across batches they are one line.
void TestUsageRollup::nullAndEmptyTextsAreOneLine() {
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("usage.db")));
    QVERIFY(db.ok());
    const QDateTime hour = QDateTime::fromMSecsSinceEpoch(kStartMs, Qt::UTC);
    const auto row = [&hour](const QString &text, int minute) {
        UsageRecord record;
        record.time = hour.addSecs(minute * 60);
        record.keyUuid = text;
        record.keyName = text;
        record.route = QStringLiteral("r");
        record.modelId = text;
        record.provider = text;
        record.status = 401;
        return record;
    };
    const QString null;
    const QString empty = QStringLiteral("");
    QVERIFY(null.isNull() && !empty.isNull() && empty.isEmpty());
    UsageWriter writer(**db);
    QVERIFY(writer.insert({row(null, 1), row(empty, 2), row(null, 3)}).ok());
    QVERIFY(writer.insert({row(empty, 4)}).ok());
    QSqlQuery query((*db)->connection());
    QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*), SUM(requests) FROM usage_hourly")));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), 1);
    QCOMPARE(query.value(1).toInt(), 4);
}

QTEST_GUILESS_MAIN(TestUsageRollup)
#include "test_usagerollup.moc"
