// The usage writer's queue is bounded: rows submitted faster than the store takes them wait up to
// UsageRecorder::kMaxHeldRows; past that the oldest are dropped, counted (droppedRows(), the log,
// /metrics), never silently, and the rest are written.

#include "metering/gatewaylog.h"
#include "metering/metrics.h"
#include "metering/usagerecorder.h"
#include "store/database.h"
#include "store/usagestore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

class TestUsageRecorder : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fullQueueDropsTheOldestAndCountsThem() {
        QTemporaryDir dir;
        auto database = store::Database::open(dir.filePath(QStringLiteral("portico.db")));
        QVERIFY(database.ok());
        metering::GatewayLog log;
        metering::MetricsRegistry metrics(QStringLiteral("test"));
        metering::UsageRecorder recorder(*database);
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
        QCOMPARE(store::UsageStore(**database).count(query).value(),
                 qint64(metering::UsageRecorder::kMaxHeldRows));
        // The oldest went: the first row kept is the one submitted after them.
        QSqlQuery oldest((*database)->connection());
        QVERIFY(oldest.exec(QStringLiteral("SELECT MIN(CAST(request_id AS INTEGER)) FROM usage")));
        QVERIFY(oldest.next());
        QCOMPARE(oldest.value(0).toLongLong(), qint64(kExtra));
    }

    // The writer hands each batch's emptied list back as the next queue: the rows of many batches
    // must each be written once, none repeated from a batch before.
    void batchesAfterBatchesAreWrittenOnce() {
        QTemporaryDir dir;
        auto database = store::Database::open(dir.filePath(QStringLiteral("portico.db")));
        QVERIFY(database.ok());
        metering::UsageRecorder recorder(*database);
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
            QCOMPARE(store::UsageStore(**database).count(store::UsageQuery()).value(), submitted);
        }
        recorder.stop();
        QSqlQuery distinct((*database)->connection());
        QVERIFY(distinct.exec(QStringLiteral("SELECT COUNT(DISTINCT request_id), "
                                             "MAX(CAST(request_id AS INTEGER)) FROM usage")));
        QVERIFY(distinct.next());
        QCOMPARE(distinct.value(0).toLongLong(), submitted);
        QCOMPARE(distinct.value(1).toLongLong(), submitted - 1);
    }
};

QTEST_GUILESS_MAIN(TestUsageRecorder)
#include "test_usagerecorder.moc"
