// UsageStore: inserting usage rows, and reading them back filtered and totalled per key.
#include "storetestcase.h"

#include "store/usagestore.h"
#include "store/usagewriter.h"

#include <QSqlQuery>

#include <QTest>

#include <algorithm>

using namespace portico::store;
using namespace portico::test;

class TestUsageStore : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void usageFiltersAndTotals();
    void usageInsertsThousandsOfRows();
    void writerKeepsItsStatementsFromBatchToBatch();
};

void TestUsageStore::usageFiltersAndTotals() {
    UsageStore usage(*m_db);
    const QDateTime t0 = QDateTime(QDate(2030, 3, 1), QTime(0, 0), Qt::UTC);
    QList<UsageRecord> rows;
    for (int i = 0; i < 10; ++i) {
        const bool first = i % 2 == 0;
        UsageRecord row = usageRow(first ? QStringLiteral("uuid-a") : QStringLiteral("uuid-b"),
                                   first ? QStringLiteral("A") : QStringLiteral("B"),
                                   i < 6 ? QStringLiteral("chat") : QStringLiteral("embed"),
                                   t0.addSecs(i), i == 3 ? 502 : 200);
        row.stream = i == 4;
        rows.append(row);
    }
    UsageRecord anonymous =
        usageRow(QString(), QString(), QStringLiteral("chat"), t0.addSecs(20), 401);
    anonymous.ttftMs = -1;
    rows.append(anonymous);
    QVERIFY(usage.insert(rows).ok());
    QVERIFY(usage.insert({}).ok());

    auto all = usage.rows({});
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 11);
    const UsageRecord &first = all->at(0);
    QCOMPARE(first.time, t0);
    QCOMPARE(first.keyUuid, QStringLiteral("uuid-a"));
    QCOMPARE(first.keyName, QStringLiteral("A"));
    QCOMPARE(first.route, QStringLiteral("chat"));
    QCOMPARE(first.modelId, QStringLiteral("demo"));
    QCOMPARE(first.provider, QStringLiteral("mock"));
    QCOMPARE(first.status, 200);
    QVERIFY(first.errorCode.isEmpty());
    QCOMPARE(first.promptTokens, 10);
    QCOMPARE(first.completionTokens, 5);
    QCOMPARE(first.costUsd, 0.25);
    QCOMPARE(first.latencyMs, 12);
    QCOMPARE(first.ttftMs, 3);
    QCOMPARE(first.requestId, rows.at(0).requestId);
    QVERIFY(all->at(4).stream);
    QVERIFY(!all->at(5).stream);
    QCOMPARE(all->at(3).errorCode, QStringLiteral("upstream_error"));
    QVERIFY(all->at(10).keyUuid.isEmpty());
    QCOMPARE(all->at(10).ttftMs, -1);

    UsageQuery byKey;
    byKey.keyUuids = {QStringLiteral("uuid-b")};
    QCOMPARE(usage.rows(byKey)->size(), 5);
    UsageQuery byRoute;
    byRoute.route = QStringLiteral("embed");
    QCOMPARE(usage.rows(byRoute)->size(), 4);
    UsageQuery period;
    period.since = t0.addSecs(2);
    period.until = t0.addSecs(5); // exclusive
    auto inPeriod = usage.rows(period);
    QCOMPARE(inPeriod->size(), 3);
    QCOMPARE(inPeriod->at(0).time, t0.addSecs(2));
    QCOMPARE(inPeriod->at(2).time, t0.addSecs(4));
    UsageQuery limited;
    limited.limit = 3;
    auto newest = usage.rows(limited);
    QCOMPARE(newest->size(), 3);
    QCOMPARE(newest->at(0).time, t0.addSecs(8));
    QCOMPARE(newest->at(2).time, t0.addSecs(20));
    UsageQuery combined;
    combined.keyUuids = {QStringLiteral("uuid-a")};
    combined.route = QStringLiteral("chat");
    combined.since = t0.addSecs(1);
    QCOMPARE(usage.rows(combined)->size(), 2);

    auto totals = usage.totalsByKey({});
    QVERIFY(totals.ok());
    QCOMPARE(totals->size(), 3);
    const UsageTotals &a = totals->at(0);
    QCOMPARE(a.keyUuid, QStringLiteral("uuid-a"));
    QCOMPARE(a.keyName, QStringLiteral("A"));
    QCOMPARE(a.requests, 5);
    QCOMPARE(a.errors, 0);
    QCOMPARE(a.promptTokens, 50);
    QCOMPARE(a.completionTokens, 25);
    QCOMPARE(a.costUsd, 1.25);
    const UsageTotals &b = totals->at(1);
    QCOMPARE(b.keyUuid, QStringLiteral("uuid-b"));
    QCOMPARE(b.errors, 1);
    QCOMPARE(totals->at(2).requests, 1);
    QCOMPARE(totals->at(2).errors, 1);
    QVERIFY(totals->at(2).keyUuid.isEmpty());

    auto embedTotals = usage.totalsByKey(byRoute);
    QCOMPARE(embedTotals->size(), 2);
    QCOMPARE(embedTotals->at(0).requests + embedTotals->at(1).requests, 4);

    // A renamed key shows its latest recorded name.
    QVERIFY(usage
                .insert({usageRow(QStringLiteral("uuid-a"), QStringLiteral("A renamed"),
                                  QStringLiteral("chat"), t0.addSecs(30))})
                .ok());
    QCOMPARE(usage.totalsByKey({})->at(0).keyName, QStringLiteral("A renamed"));
}

void TestUsageStore::usageInsertsThousandsOfRows() {
    UsageStore usage(*m_db);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    QList<UsageRecord> rows;
    for (int i = 0; i < 5000; ++i)
        rows.append(usageRow(QStringLiteral("k%1").arg(i % 7), QStringLiteral("n"),
                             QStringLiteral("chat"), t0.addMSecs(i)));
    QVERIFY(usage.insert(rows).ok());
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM usage")), 5000);
    auto totals = usage.totalsByKey({});
    QCOMPARE(totals->size(), 7);
    qint64 sum = 0;
    for (const UsageTotals &t : *totals)
        sum += t.requests;
    QCOMPARE(sum, 5000);
}

// The gateway's writer keeps its statements prepared from batch to batch (and on SQLite binds
// through the driver's handle): every field must arrive as UsageStore::insert() stored it, odd
// Unicode included, empty strings as NULL, and the roll-up must add up over the batches. A
// connection closed between batches (a PostgreSQL restart, say) gets new statements.
void TestUsageStore::writerKeepsItsStatementsFromBatchToBatch() {
    const QDateTime t0 = QDateTime(QDate(2030, 4, 1), QTime(10, 0), Qt::UTC);
    const QString oddName = QStringLiteral("Zoë \U0001F511 \"quoted\" \\ ключ \u200Bzero-width");
    UsageWriter writer(*m_db);
    QList<UsageRecord> written;
    // 4 rows; 70, of which 64 by 32 per statement and 6 one by one; 33 after a reconnection.
    const int batchSizes[] = {4, 70, 33};
    for (int batch = 0; batch < 3; ++batch) {
        if (batch == 2)
            m_db->connection().close(); // Database::connection() opens it again
        // Each batch commits with synchronous=NORMAL and leaves the thread's connection, which
        // other writes share, at the level it found: Database's FULL (2), or here EXTRA (3) for
        // the first batch, which only a writer that reads the level back puts back.
        const int levelBefore = batch == 0 ? 3 : 2;
        if (!m_db->isPostgres() && batch == 0)
            QVERIFY(QSqlQuery(m_db->connection()).exec(QStringLiteral("PRAGMA synchronous = 3")));
        QList<UsageRecord> rows;
        for (int n = 0; n < batchSizes[batch]; ++n) {
            const int i = n % 4;
            // Each row's own route: a row bound into another's place would show.
            UsageRecord row = usageRow(QStringLiteral("uuid-w"), oddName,
                                       QStringLiteral("chat-%1-%2").arg(batch).arg(n),
                                       t0.addSecs(batch * 1000 + n), i == 1 ? 429 : 200);
            row.errorCode = i == 1 ? QStringLiteral("rate_limited") : QString();
            row.provider = i == 2 ? QString() : QStringLiteral("openai");
            row.tokensEstimated = i == 3;
            row.oldSecret = i == 0;
            row.costUsd = 0.125 * (i + 1);
            rows.append(row);
        }
        QVERIFY(writer.insert(rows).ok());
        written += rows;
        if (!m_db->isPostgres()) {
            QSqlQuery level(m_db->connection());
            QVERIFY(level.exec(QStringLiteral("PRAGMA synchronous")) && level.next());
            QCOMPARE(level.value(0).toInt(), levelBefore);
            if (batch == 0) // back to Database's level for the rest of the test
                QVERIFY(
                    QSqlQuery(m_db->connection()).exec(QStringLiteral("PRAGMA synchronous = 2")));
        }
    }

    UsageStore usage(*m_db);
    auto all = usage.rows({});
    QVERIFY(all.ok());
    QCOMPARE(all->size(), written.size());
    for (qsizetype i = 0; i < written.size(); ++i) {
        const UsageRecord &want = written.at(i);
        const UsageRecord &got = all->at(i);
        QCOMPARE(got.time, want.time);
        QCOMPARE(got.requestId, want.requestId);
        QCOMPARE(got.keyUuid, want.keyUuid);
        QCOMPARE(got.keyName, oddName);
        QCOMPARE(got.route, want.route);
        QCOMPARE(got.modelId, want.modelId);
        QCOMPARE(got.provider, want.provider);
        QCOMPARE(got.status, want.status);
        QCOMPARE(got.errorCode, want.errorCode);
        QCOMPARE(got.costUsd, want.costUsd);
        QCOMPARE(got.tokensEstimated, want.tokensEstimated);
        QCOMPARE(got.oldSecret, want.oldSecret);
    }
    // Empty strings are stored as NULL on both paths.
    QSqlQuery query(m_db->connection());
    QVERIFY(query.exec(QStringLiteral(
        "SELECT COUNT(*) FROM usage WHERE error_code IS NULL AND provider IS NOT NULL")));
    QVERIFY(query.next());
    const auto countOf = [&written](auto predicate) {
        return int(std::count_if(written.cbegin(), written.cend(), predicate));
    };
    QCOMPARE(query.value(0).toInt(), countOf([](const UsageRecord &row) {
                 return row.errorCode.isEmpty() && !row.provider.isEmpty();
             }));
    QVERIFY(query.exec(QStringLiteral("SELECT SUM(requests), SUM(errors) FROM usage_hourly")));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toInt(), int(written.size()));
    QCOMPARE(query.value(1).toInt(),
             countOf([](const UsageRecord &row) { return row.status >= 400; }));
}
QTEST_GUILESS_MAIN(TestUsageStore)
#include "test_usagestore.moc"
