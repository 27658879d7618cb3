// The usage writer's queue is bounded: rows submitted faster than the store takes them wait up to
// UsageRecorder::kMaxHeldRows; past that the oldest are dropped, counted (droppedRows(), the log,
// /metrics), never silently, and the rest are written. Each thread queues its rows as bytes in a
// buffer of its own: every field comes out as it went in, every row once, in the order queued.

#include "metering/gatewaylog.h"
#include "metering/metrics.h"
#include "metering/usagerecorder.h"
#include "store/database.h"
#include "store/usagestore.h"

#include <QSemaphore>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>
#include <vector>

using namespace portico;

namespace {

// A store of its own, in a temporary folder that goes with it; null when it cannot be opened.
struct TemporaryStore {
    QTemporaryDir dir;
    std::shared_ptr<store::Database> database;

    TemporaryStore() {
        auto opened = store::Database::open(dir.filePath(QStringLiteral("portico.db")));
        if (opened.ok())
            database = *opened;
    }
};

} // namespace

class TestUsageRecorder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fullQueueDropsTheOldestAndCountsThem() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::GatewayLog log;
        metering::MetricsRegistry metrics(QStringLiteral("test"));
        metering::UsageRecorder recorder(fresh.database);
        recorder.setReporting(&log, &metrics);
        // Not started yet: nothing takes the rows, as with a store far slower than the traffic.
        constexpr qsizetype kExtra = 7;
        const QDateTime time = QDateTime::currentDateTimeUtc();
        for (qsizetype i = 0; i < metering::UsageRecorder::kMaxHeldRows + kExtra; ++i) {
            store::UsageRecord row;
            row.time = time;
            row.requestId = QString::number(i);
            row.route = QStringLiteral("demo");
            row.status = 200;
            recorder.submit(row);
        }
        QCOMPARE(recorder.droppedRows(), qint64(kExtra));
        QVERIFY(metrics.render().contains("portico_usage_rows_dropped_total 7\n"));
        int reports = 0;
        for (const metering::LogEntry &entry : log.entries()) {
            if (entry.event == QLatin1String("usage_rows_dropped"))
                ++reports;
        }
        QCOMPARE(reports, 1); // at most one a second, however many rows
        recorder.start();
        recorder.stop();
        store::UsageQuery query;
        QCOMPARE(store::UsageStore(*fresh.database).count(query).value(),
                 qint64(metering::UsageRecorder::kMaxHeldRows));
        // The oldest went: the first row kept is the one submitted after them.
        QSqlQuery oldest(fresh.database->connection());
        QVERIFY(oldest.exec(QStringLiteral("SELECT MIN(CAST(request_id AS INTEGER)) FROM usage")));
        QVERIFY(oldest.next());
        QCOMPARE(oldest.value(0).toLongLong(), qint64(kExtra));
    }

    // The writer hands each batch's emptied list back as the next queue: the rows of many batches
    // must each be written once, none repeated from a batch before.
    void batchesAfterBatchesAreWrittenOnce() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::UsageRecorder recorder(fresh.database);
        recorder.start();
        const QDateTime time = QDateTime::currentDateTimeUtc();
        qint64 submitted = 0;
        for (int wave = 0; wave < 6; ++wave) {
            // Below a batch, a batch, and above one (a batch and a rest).
            const qsizetype rows = (wave % 3 + 1) * metering::UsageRecorder::kBatchRows / 2 + wave;
            for (qsizetype i = 0; i < rows; ++i) {
                store::UsageRecord row;
                row.time = time;
                row.requestId = QString::number(submitted++);
                row.route = QStringLiteral("demo");
                row.status = 200;
                recorder.submit(row);
            }
            recorder.flush();
            QCOMPARE(store::UsageStore(*fresh.database).count(store::UsageQuery()).value(),
                     submitted);
        }
        recorder.stop();
        QSqlQuery distinct(fresh.database->connection());
        QVERIFY(distinct.exec(QStringLiteral("SELECT COUNT(DISTINCT request_id), "
                                             "MAX(CAST(request_id AS INTEGER)) FROM usage")));
        QVERIFY(distinct.next());
        QCOMPARE(distinct.value(0).toLongLong(), submitted);
        QCOMPARE(distinct.value(1).toLongLong(), submitted - 1);
    }

    // Every field of a row, odd texts included, as the store gives it back.
    void everyFieldComesOutAsItWentIn() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::UsageRecorder recorder(fresh.database);
        recorder.start();
        store::UsageRecord full;
        full.time = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123, Qt::UTC);
        full.requestId = QStringLiteral("req_full");
        full.keyUuid = QStringLiteral("6f1c2d1e-0000-4000-8000-000000000001");
        full.keyName = QStringLiteral("clé \U0001F511 \u202E\u0301 \"quoted\"");
        full.route = QStringLiteral("route/ünï");
        full.modelId = QStringLiteral("model 模型");
        full.provider = QStringLiteral("openai");
        full.stream = true;
        full.status = 502;
        full.errorCode = QStringLiteral("upstream_error");
        full.promptTokens = 1'234'567'890'123;
        full.completionTokens = 42;
        full.costUsd = 0.000123456789;
        full.latencyMs = 98'765;
        full.ttftMs = 17;
        full.oldSecret = true;
        full.tokensEstimated = true;
        recorder.submit(full);
        // Nothing but a request id: empty texts, no time (the writer gives it the time it writes).
        store::UsageRecord bare;
        bare.requestId = QStringLiteral("req_bare");
        const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
        recorder.submit(bare);
        recorder.flush();
        const auto rows = store::UsageStore(*fresh.database).rows(store::UsageQuery{});
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), 2);
        const store::UsageRecord &a = rows->at(0);
        QCOMPARE(a.time, full.time);
        QCOMPARE(a.requestId, full.requestId);
        QCOMPARE(a.keyUuid, full.keyUuid);
        QCOMPARE(a.keyName, full.keyName);
        QCOMPARE(a.route, full.route);
        QCOMPARE(a.modelId, full.modelId);
        QCOMPARE(a.provider, full.provider);
        QCOMPARE(a.stream, full.stream);
        QCOMPARE(a.status, full.status);
        QCOMPARE(a.errorCode, full.errorCode);
        QCOMPARE(a.promptTokens, full.promptTokens);
        QCOMPARE(a.completionTokens, full.completionTokens);
        QCOMPARE(a.costUsd, full.costUsd);
        QCOMPARE(a.latencyMs, full.latencyMs);
        QCOMPARE(a.ttftMs, full.ttftMs);
        QCOMPARE(a.oldSecret, full.oldSecret);
        QCOMPARE(a.tokensEstimated, full.tokensEstimated);
        const store::UsageRecord &b = rows->at(1);
        QCOMPARE(b.requestId, bare.requestId);
        QVERIFY(b.time >= before);
        QVERIFY(b.keyUuid.isEmpty() && b.keyName.isEmpty() && b.route.isEmpty());
        QVERIFY(b.modelId.isEmpty() && b.provider.isEmpty() && b.errorCode.isEmpty());
        QCOMPARE(b.ttftMs, qint64(-1));
        QCOMPARE(b.stream || b.oldSecret || b.tokensEstimated, false);
    }

    // Without a writer thread (never started, or stopped), flush() writes the queued rows itself.
    void flushWithoutAWriterThreadWritesTheRows() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::UsageRecorder recorder(fresh.database);
        const QDateTime time = QDateTime::currentDateTimeUtc();
        const auto submit = [&recorder, &time](int from, int rows) {
            for (int i = from; i < from + rows; ++i) {
                store::UsageRecord row;
                row.time = time;
                row.requestId = QString::number(i);
                row.status = 200;
                recorder.submit(row);
            }
        };
        const auto count = [&fresh] {
            return store::UsageStore(*fresh.database).count(store::UsageQuery()).value();
        };
        submit(0, metering::UsageRecorder::kBatchRows + 3); // more than a batch
        recorder.flush();
        QCOMPARE(count(), qint64(metering::UsageRecorder::kBatchRows + 3));
        recorder.start();
        recorder.stop();
        submit(metering::UsageRecorder::kBatchRows + 3, 5); // after the writer ended
        recorder.flush();
        QCOMPARE(count(), qint64(metering::UsageRecorder::kBatchRows + 8));
        QCOMPARE(recorder.writtenRows(), qint64(metering::UsageRecorder::kBatchRows + 8));
    }

    // Many threads at once, each more than a batch: every row once, each thread's in its order.
    void rowsOfManyThreadsAreEachWrittenOnce() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::UsageRecorder recorder(fresh.database);
        recorder.start();
        constexpr int kThreads = 4;
        const int perThread = metering::UsageRecorder::kBatchRows * 3 / 2 + 7;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back(QThread::create([&recorder, t, perThread] {
                const QDateTime time = QDateTime::currentDateTimeUtc();
                for (int i = 0; i < perThread; ++i) {
                    store::UsageRecord row;
                    row.time = time;
                    row.requestId = QStringLiteral("%1-%2").arg(t).arg(i, 6, 10, QLatin1Char('0'));
                    // A text that changes from row to row, and one that changes now and then.
                    row.keyName = QStringLiteral("key %1").arg(i % 3);
                    row.route = t % 2 ? QStringLiteral("odd") : QStringLiteral("even");
                    row.status = 200;
                    row.completionTokens = i;
                    recorder.submit(row);
                }
            }));
            threads.back()->start();
        }
        for (const auto &thread : threads)
            QVERIFY(thread->wait(60'000));
        recorder.flush();
        QSqlQuery query(fresh.database->connection());
        QVERIFY(query.exec(QStringLiteral(
            "SELECT request_id, key_name, route, completion_tokens FROM usage ORDER BY id")));
        std::vector<int> next(kThreads, 0);
        int total = 0;
        while (query.next()) {
            const QStringList parts = query.value(0).toString().split(QLatin1Char('-'));
            QCOMPARE(parts.size(), 2);
            const int t = parts.at(0).toInt();
            const int i = parts.at(1).toInt();
            QVERIFY(t >= 0 && t < kThreads);
            QCOMPARE(i, next[size_t(t)]); // once, and in the thread's order
            ++next[size_t(t)];
            QCOMPARE(query.value(1).toString(), QStringLiteral("key %1").arg(i % 3));
            QCOMPARE(query.value(2).toString(),
                     t % 2 ? QStringLiteral("odd") : QStringLiteral("even"));
            QCOMPARE(query.value(3).toInt(), i);
            ++total;
        }
        QCOMPARE(total, kThreads * perThread);
    }

    // A row queued after another thread's is written after it, across the writer's rounds.
    void rowsQueuedOneAfterAnotherAcrossThreadsKeepTheirOrder() {
        TemporaryStore fresh;
        QVERIFY(fresh.database);
        metering::UsageRecorder recorder(fresh.database);
        recorder.start();
        constexpr int kRows = 3000;
        QSemaphore turns[2];
        const auto play = [&](int side) {
            const QDateTime time = QDateTime::currentDateTimeUtc();
            for (int i = side; i < kRows; i += 2) {
                turns[side].acquire();
                store::UsageRecord row;
                row.time = time;
                row.requestId = QString::number(i);
                row.status = 200;
                recorder.submit(row);
                turns[1 - side].release();
            }
        };
        std::unique_ptr<QThread> even(QThread::create(play, 0));
        std::unique_ptr<QThread> odd(QThread::create(play, 1));
        even->start();
        odd->start();
        turns[0].release();
        QVERIFY(even->wait(60'000));
        QVERIFY(odd->wait(60'000));
        recorder.flush();
        QSqlQuery query(fresh.database->connection());
        QVERIFY(query.exec(QStringLiteral("SELECT request_id FROM usage ORDER BY id")));
        int expected = 0;
        while (query.next())
            QCOMPARE(query.value(0).toString().toInt(), expected++);
        QCOMPARE(expected, kRows);
    }
};

QTEST_GUILESS_MAIN(TestUsageRecorder)
#include "test_usagerecorder.moc"
