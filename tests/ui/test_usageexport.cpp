// The Usage page's CSV export and the real `portico-gateway usage --csv` process write the same
// bytes for the same rows: raw requests of a key (live and deleted) and the lines per key and per
// route, on rows chosen to be awkward for CSV (spaces at either end, commas, quotes, line breaks,
// a missing time to first token, costs with many decimals, non-ASCII text).
#include "store/usagestore.h"
#include "testsupport.h"
#include "ui/dashboard/periodselector.h"
#include "ui/usage/usagepage.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTimeZone>

#include <functional>

using namespace portico;

Q_DECLARE_METATYPE(portico::store::UsageGrouping)

namespace {

const QDateTime kFrom(QDate(2025, 12, 31), QTime(0, 0), QTimeZone::utc());
const QDateTime kTo(QDate(2026, 1, 4), QTime(0, 0), QTimeZone::utc());

store::UsageRecord row(const QString &keyUuid, const QString &keyName, const QDateTime &time) {
    static int serial = 0;
    store::UsageRecord record;
    record.time = time;
    record.requestId = QStringLiteral("req-%1").arg(++serial);
    record.keyUuid = keyUuid;
    record.keyName = keyName;
    record.route = QStringLiteral("demo");
    record.modelId = QStringLiteral("demo-model");
    record.provider = QStringLiteral("mock");
    record.stream = true;
    record.status = 200;
    record.promptTokens = 10 + serial;
    record.completionTokens = 20 + serial;
    record.costUsd = 0.001 * serial;
    record.latencyMs = 100 + serial;
    record.ttftMs = 40 + serial;
    return record;
}

} // namespace

class TestUsageExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void requestsMatchTheCommandLine();
    void deletedKeyRequestsMatchTheCommandLine();
    void linesMatchTheCommandLine_data();
    void linesMatchTheCommandLine();
    void awkwardFieldsAreWrittenAsDocumented();

private:
    QByteArray cli(const QStringList &arguments);
    // The Qt Test waits return from void functions only: the bytes come back through `csv`.
    void window(const std::function<void(ui::UsagePage &)> &choose, const QString &name,
                QByteArray &csv);
    void windowRequests(const QString &keyUuid, QByteArray &csv);

    QTemporaryDir m_settingsDir;
    test::UiFixture m_fixture;
    QString m_odd;
    QString m_gone;
};

void TestUsageExport::initTestCase() {
    test::isolateSettings(m_settingsDir);
    QVERIFY(m_fixture.open());
    m_odd = m_fixture.createKey(QStringLiteral("odd"));
    m_gone = m_fixture.createKey(QStringLiteral("gone"));
    QVERIFY(!m_odd.isEmpty() && !m_gone.isEmpty());

    // Rows are history: the names they carry were never validated as key names are.
    const QDateTime day = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 678), QTimeZone::utc());
    QList<store::UsageRecord> rows;
    const QStringList names = {
        QStringLiteral(" leading space"),
        QStringLiteral("trailing space "),
        QStringLiteral("comma, \"quote\"\nline break\r\nand CRLF"),
        QStringLiteral("ünïcødé e\u0301 中文 🚀 \u200b\u202eRTL"),
        QStringLiteral("=1+2"),
        QStringLiteral("odd"),
    };
    for (int i = 0; i < names.size(); ++i) {
        store::UsageRecord record = row(m_odd, names.at(i), day.addSecs(60 * i));
        if (i == 0) {
            // Refused upstream: no token ever came, and a cost far below a cent.
            record.requestId = QStringLiteral("req-lead");
            record.status = 500;
            record.errorCode = QStringLiteral("upstream_error");
            record.stream = false;
            record.promptTokens = 1;
            record.completionTokens = 0;
            record.costUsd = 1.5e-7;
            record.latencyMs = 12;
            record.ttftMs = -1;
        }
        if (i == 1)
            record.costUsd = 0.1234567890123456789;
        if (i == 2)
            record.requestId = QStringLiteral("id, \"quoted\"\r\nnext");
        if (i == 3) {
            record.route = QStringLiteral("route ");
            record.costUsd = 12345.678901234567;
        }
        if (i == 4)
            record.costUsd = 1e-12;
        rows << record;
    }
    for (int i = 0; i < 3; ++i)
        rows << row(m_gone, QStringLiteral("gone"), day.addSecs(-86400 + 3600 * i));
    // Outside the period: neither side may export it.
    rows << row(m_odd, QStringLiteral("odd"), kTo.addDays(2));
    QVERIFY(store::UsageStore(*m_fixture.database).insert(rows).ok());
    QVERIFY(m_fixture.keys().deleteKey(m_gone).ok());
}

QByteArray TestUsageExport::cli(const QStringList &arguments) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PORTICO_DB"));
    env.remove(QStringLiteral("PORTICO_CONFIG"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_fixture.dir.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"),
               m_fixture.dir.filePath(QStringLiteral("xdg-config")));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                  QStringList{QStringLiteral("usage")}
                      << arguments
                      << QStringList{QStringLiteral("--since"), kFrom.toString(Qt::ISODate),
                                     QStringLiteral("--until"), kTo.toString(Qt::ISODate),
                                     QStringLiteral("--csv"), QStringLiteral("--db"),
                                     m_fixture.database->path(), QStringLiteral("--config"),
                                     m_fixture.dir.filePath(QStringLiteral("config.yaml"))});
    if (!process.waitForStarted(60000) || !process.waitForFinished(120000))
        return {};
    const QByteArray err = process.readAllStandardError();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("portico-gateway failed: %s", err.constData());
        return {};
    }
    return process.readAllStandardOutput();
}

// The page on the same period as the command line; `choose` picks what it shows.
void TestUsageExport::window(const std::function<void(ui::UsagePage &)> &choose,
                             const QString &name, QByteArray &csv) {
    ui::UsagePage page(m_fixture.context);
    page.periodSelector()->setPreset(ui::PeriodSelector::Custom);
    page.periodSelector()->setCustomRange(kFrom, kTo);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), 30000);
    choose(page);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), 30000);
    const QString path = m_fixture.dir.filePath(name);
    QSignalSpy finished(&page, &ui::UsagePage::exportFinished);
    page.exportToFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    csv = file.readAll();
}

void TestUsageExport::windowRequests(const QString &keyUuid, QByteArray &csv) {
    window(
        [&keyUuid](ui::UsagePage &page) {
            QSignalSpy drilled(&page, &ui::UsagePage::drillDownLoaded);
            page.showKeyRequests(keyUuid, keyUuid);
            QTRY_COMPARE_WITH_TIMEOUT(drilled.size(), 1, 30000);
        },
        keyUuid + QStringLiteral(".csv"), csv);
}

void TestUsageExport::requestsMatchTheCommandLine() {
    QByteArray fromWindow;
    windowRequests(m_odd, fromWindow);
    const QByteArray fromCli = cli({QStringLiteral("--key"), m_odd});
    QVERIFY(!fromWindow.isEmpty());
    QVERIFY(fromWindow.count("\r\n") >= 7); // header and six rows at the least
    QCOMPARE(fromWindow, fromCli);
}

void TestUsageExport::deletedKeyRequestsMatchTheCommandLine() {
    QByteArray fromWindow;
    windowRequests(m_gone, fromWindow);
    const QByteArray fromCli = cli({QStringLiteral("--key"), m_gone});
    QVERIFY(!fromWindow.isEmpty());
    QCOMPARE(fromWindow.count("\r\n"), 4); // header and three rows
    QCOMPARE(fromWindow, fromCli);
}

void TestUsageExport::linesMatchTheCommandLine_data() {
    QTest::addColumn<store::UsageGrouping>("grouping");
    QTest::addColumn<QString>("by");
    QTest::addColumn<QByteArray>("mark"); // something only a right export holds
    QTest::newRow("key") << store::UsageGrouping::Key << QStringLiteral("key")
                         << QByteArray(",true,"); // the deleted key is marked
    QTest::newRow("route") << store::UsageGrouping::Route << QStringLiteral("route")
                           << QByteArray("\r\n\"route \",");
}

void TestUsageExport::linesMatchTheCommandLine() {
    QFETCH(store::UsageGrouping, grouping);
    QFETCH(QString, by);
    QFETCH(QByteArray, mark);
    QByteArray fromWindow;
    window([grouping](ui::UsagePage &page) { page.setGrouping(grouping); },
           QStringLiteral("by-%1.csv").arg(by), fromWindow);
    const QByteArray fromCli = cli({QStringLiteral("--by"), by});
    QVERIFY(fromWindow.contains(mark));
    QCOMPARE(fromWindow, fromCli);
}

// The choices the one writer made where the two used to differ, spelled out.
void TestUsageExport::awkwardFieldsAreWrittenAsDocumented() {
    QByteArray csv;
    windowRequests(m_odd, csv);
    const QString uuid = m_odd;
    // A leading space is quoted; no time to first token is an empty field; a tiny cost is
    // written in full, without exponent.
    QVERIFY2(csv.contains(QStringLiteral("2026-01-02T03:04:05.678Z,req-lead,%1,\" leading "
                                         "space\",demo,demo-model,mock,false,500,upstream_error,"
                                         "1,0,0.00000015,12,\r\n")
                              .arg(uuid)
                              .toUtf8()),
             csv.constData());
    QVERIFY(csv.contains(",\"trailing space \","));
    QVERIFY(csv.contains(",0.12345678901234568,")); // shortest text of that double
    QVERIFY(csv.contains(",12345.678901234567,"));  // no digits lost above a dollar
    QVERIFY(csv.contains(",0.000000000001,"));      // 1e-12, not rounded to zero
    QVERIFY(csv.contains("\"comma, \"\"quote\"\"\nline break\r\nand CRLF\""));
    QVERIFY(csv.contains("\"id, \"\"quoted\"\"\r\nnext\""));
    QVERIFY(csv.contains(QStringLiteral(",ünïcødé e\u0301 中文 🚀 \u200b\u202eRTL,").toUtf8()));
    QVERIFY(csv.contains(",=1+2,")); // written as recorded, as both writers always did
    QVERIFY(!csv.contains(",-1\r\n"));
}

QTEST_MAIN(TestUsageExport)
#include "test_usageexport.moc"
