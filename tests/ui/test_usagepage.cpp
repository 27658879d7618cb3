#include "store/usagestore.h"
#include "testsupport.h"
#include "ui/dashboard/periodselector.h"
#include "ui/translations.h"
#include "ui/usage/keyusagesummary.h"
#include "ui/usage/usagepage.h"
#include "usagerows.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>

#include <algorithm>

using namespace portico;
using testsupport::UsageSums;

namespace {

// A minimal RFC 4180 reader, independent of the writer under test.
QList<QStringList> parseCsv(const QString &text) {
    QList<QStringList> records;
    QStringList fields;
    QString field;
    bool quoted = false;
    bool lineHasContent = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
            lineHasContent = true;
        } else if (c == QLatin1Char(',')) {
            fields << field;
            field.clear();
            lineHasContent = true;
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() &&
                   text.at(i + 1) == QLatin1Char('\n')) {
            fields << field;
            records << fields;
            fields.clear();
            field.clear();
            lineHasContent = false;
            ++i;
        } else {
            field += c;
            lineHasContent = true;
        }
    }
    if (lineHasContent) {
        fields << field;
        records << fields;
    }
    return records;
}

QList<QStringList> readCsv(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return parseCsv(QString::fromUtf8(file.readAll()));
}

} // namespace

// The Usage page on a real store: aggregates by key and by route equal the sums of the rows,
// filters narrow them, deleted keys are marked, drill-down pages through a key's requests, and CSV
// export round-trips. test_usage5m does the same on a store of five million rows.
class TestUsagePage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void byKeyMatchesRows();
    void byRouteMatchesRows();
    void filters();
    void deletedKeyIsMarked();
    void drillDownPages();
    void drillDownSaysWhatRetentionKeeps();
    void exportAggregatesRoundTrips();
    void exportRequestsRoundTrips();
    void keyUsageSummary();

private:
    void waitLoaded(ui::UsagePage &page);
    static void compareLine(const store::UsageAggregate &line, const UsageSums &sums);

    QTemporaryDir m_settingsDir;
    test::UiFixture m_fixture;
    QList<store::UsageRecord> m_rows;
    QString m_alice; // in group "team"
    QString m_bob;   // deleted after its requests
    QString m_carol; // many requests, for paging
    QString m_team;
    QDateTime m_now;
};

void TestUsagePage::initTestCase() {
    test::isolateSettings(m_settingsDir);
    // As the app does: the English plural forms ("1 day", "30 days").
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
    QVERIFY(m_fixture.open());
    m_team = m_fixture.createGroup(QStringLiteral("team"), {QStringLiteral("demo")});
    m_alice = m_fixture.createKey(QStringLiteral("alice"), {m_team});
    m_bob = m_fixture.createKey(QStringLiteral("bob"));
    m_carol = m_fixture.createKey(QStringLiteral("carol"));
    QVERIFY(!m_team.isEmpty() && !m_alice.isEmpty() && !m_bob.isEmpty() && !m_carol.isEmpty());
    m_now = QDateTime::currentDateTimeUtc();
    const QString demo = QStringLiteral("demo");
    const QString assistant = QStringLiteral("assistant");
    for (int i = 0; i < 12; ++i) {
        m_rows << test::usageRow(m_alice, QStringLiteral("alice"), i % 3 ? demo : assistant,
                                 m_now.addSecs(-3600 * i - 60), i % 4 == 0 ? 500 : 200, 10 + i,
                                 20 + i, 0.001 * i, 100 + 10 * i);
        m_rows << test::usageRow(m_bob, QStringLiteral("bob"), assistant,
                                 m_now.addSecs(-7200 * i - 120), i % 5 == 0 ? 429 : 200, 3 * i, i,
                                 0.002, 300);
    }
    // Requests refused for want of a valid key.
    for (int i = 0; i < 3; ++i)
        m_rows << test::usageRow(QString(), QString(), demo, m_now.addSecs(-300 - i), 401, 0, 0,
                                 0.0, 1);
    // Carol: enough requests for several drill-down pages, with awkward CSV characters.
    for (int i = 0; i < 450; ++i) {
        auto row = test::usageRow(m_carol, QStringLiteral("carol"), demo,
                                  m_now.addSecs(-86400 - i * 10), 200, 1, 2, 0.0001, 20);
        if (i % 50 == 0)
            row.requestId = QStringLiteral("odd, \"quoted\"\r\nid %1").arg(i);
        m_rows << row;
    }
    QVERIFY(store::UsageStore(*m_fixture.database).insert(m_rows).ok());
    // Rows outside the default 30-day period must not count.
    QVERIFY(store::UsageStore(*m_fixture.database)
                .insert({test::usageRow(m_alice, QStringLiteral("alice"), demo, m_now.addDays(-45),
                                        200, 1000, 1000, 10.0, 10)})
                .ok());
    QVERIFY(m_fixture.keys().deleteKey(m_bob).ok());
}

void TestUsagePage::waitLoaded(ui::UsagePage &page) {
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), 30000);
}

void TestUsagePage::compareLine(const store::UsageAggregate &line, const UsageSums &sums) {
    QCOMPARE(line.requests, sums.requests);
    QCOMPARE(line.errors, sums.errors);
    QCOMPARE(line.promptTokens, sums.promptTokens);
    QCOMPARE(line.completionTokens, sums.completionTokens);
    QVERIFY(test::sameCost(line.costUsd, sums.costUsd));
}

void TestUsagePage::byKeyMatchesRows() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    QCOMPARE(page.grouping(), store::UsageGrouping::Key);
    const auto &lines = page.aggregates();
    QCOMPARE(lines.size(), 4); // alice, bob, carol, no key
    for (const auto &line : lines) {
        compareLine(line, test::sumRows(m_rows, [&](const store::UsageRecord &row) {
                        return row.keyUuid == line.keyUuid;
                    }));
    }
    QCOMPARE(page.aggregatesTable()->rowCount(), 4);
    // Latency figures: alice's average from the rows; p95 at or above the true value.
    const auto alice = std::find_if(lines.begin(), lines.end(),
                                    [this](const auto &line) { return line.keyUuid == m_alice; });
    QVERIFY(alice != lines.end());
    QList<qint64> latencies;
    for (const auto &row : std::as_const(m_rows)) {
        if (row.keyUuid == m_alice)
            latencies << row.latencyMs;
    }
    std::sort(latencies.begin(), latencies.end());
    double sum = 0;
    for (qint64 latency : latencies)
        sum += double(latency);
    QVERIFY(qAbs(alice->avgLatencyMs - sum / double(latencies.size())) < 0.01);
    QVERIFY(alice->p95LatencyMs >= latencies.at((latencies.size() * 95 + 99) / 100 - 1));
}

void TestUsagePage::byRouteMatchesRows() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    const int before = page.loadCount();
    page.setGrouping(store::UsageGrouping::Route);
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > before && !page.isLoading(), 30000);
    const auto &lines = page.aggregates();
    QCOMPARE(lines.size(), 2);
    for (const auto &line : lines) {
        QVERIFY(!line.route.isEmpty());
        compareLine(line, test::sumRows(m_rows, [&](const store::UsageRecord &row) {
                        return row.route == line.route;
                    }));
    }
    QCOMPARE(page.aggregatesTable()->horizontalHeaderItem(0)->text(), QStringLiteral("Route"));
}

void TestUsagePage::filters() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    const auto reload = [&page](const std::function<void()> &change) {
        const int before = page.loadCount();
        change();
        QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > before && !page.isLoading(), 30000);
    };
    // Errors only.
    reload([&] { page.setStatusFilter(ui::UsagePage::Status::Errors); });
    for (const auto &line : page.aggregates()) {
        compareLine(line, test::sumRows(m_rows, [&](const store::UsageRecord &row) {
                        return row.keyUuid == line.keyUuid && row.status >= 400;
                    }));
        QCOMPARE(line.errors, line.requests);
    }
    QVERIFY(std::none_of(page.aggregates().begin(), page.aggregates().end(),
                         [this](const auto &line) { return line.keyUuid == m_carol; }));
    // Successes only.
    reload([&] { page.setStatusFilter(ui::UsagePage::Status::Success); });
    for (const auto &line : page.aggregates())
        QCOMPARE(line.errors, qint64(0));
    reload([&] { page.setStatusFilter(ui::UsagePage::Status::All); });
    // One key.
    reload([&] { page.setKeyFilter(m_alice); });
    QCOMPARE(page.aggregates().size(), 1);
    QCOMPARE(page.aggregates().first().keyUuid, m_alice);
    reload([&] { page.setKeyFilter(QString()); });
    // One route.
    reload([&] { page.setRouteFilter(QStringLiteral("assistant")); });
    for (const auto &line : page.aggregates()) {
        compareLine(line, test::sumRows(m_rows, [&](const store::UsageRecord &row) {
                        return row.keyUuid == line.keyUuid &&
                               row.route == QStringLiteral("assistant");
                    }));
    }
    reload([&] { page.setRouteFilter(QString()); });
    // One group: its current members only.
    reload([&] { page.setGroupFilter(m_team); });
    QCOMPARE(page.aggregates().size(), 1);
    QCOMPARE(page.aggregates().first().keyUuid, m_alice);
    reload([&] { page.setGroupFilter(QString()); });
    // Time: all time adds the 45-day-old request; 3 days to 23.5 hours ago (hours rounded
    // outwards) holds only carol's requests.
    reload([&] { page.periodSelector()->setPreset(ui::PeriodSelector::AllTime); });
    QVERIFY(std::any_of(page.aggregates().begin(), page.aggregates().end(),
                        [](const auto &line) { return line.promptTokens >= 1000; }));
    reload([&] {
        page.periodSelector()->setCustomRange(m_now.addDays(-3),
                                              m_now.addSecs(-(23 * 3600 + 1800)));
        page.periodSelector()->setPreset(ui::PeriodSelector::Custom);
    });
    QCOMPARE(page.aggregates().size(), 1);
    QCOMPARE(page.aggregates().first().keyUuid, m_carol);
    QCOMPARE(page.aggregates().first().requests, qint64(450));
}

void TestUsagePage::deletedKeyIsMarked() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    QTableWidget *table = page.aggregatesTable();
    bool sawBob = false;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString text = table->item(row, 0)->text();
        if (text.startsWith(QStringLiteral("bob"))) {
            sawBob = true;
            QCOMPARE(text, QStringLiteral("bob (deleted)"));
        } else {
            QVERIFY(!text.contains(QStringLiteral("(deleted)")));
        }
    }
    QVERIFY(sawBob);
}

// With usage.raw_retention_days set, the drill-down says that older requests are gone while the
// totals still count them; without it, it says nothing.
void TestUsagePage::drillDownSaysWhatRetentionKeeps() {
    const auto drillInto = [this](ui::UsagePage &page) {
        QSignalSpy drilled(&page, &ui::UsagePage::drillDownLoaded);
        page.showKeyRequests(m_alice, QStringLiteral("alice"));
        QTRY_VERIFY_WITH_TIMEOUT(drilled.size() >= 1, 30000);
    };
    {
        ui::UsagePage page(m_fixture.context);
        page.show();
        waitLoaded(page);
        drillInto(page);
        auto *note = page.findChild<QLabel *>(QStringLiteral("usageRetentionNote"));
        QVERIFY(note);
        QVERIFY(note->isHidden());
    }

    QFile file(m_fixture.config->path());
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(test::kTestConfig + "usage:\n  raw_retention_days: 30\n");
    file.close();
    QVERIFY(m_fixture.config->reload());
    {
        ui::UsagePage page(m_fixture.context);
        page.show();
        waitLoaded(page);
        drillInto(page);
        auto *note = page.findChild<QLabel *>(QStringLiteral("usageRetentionNote"));
        QVERIFY(note && note->isVisible());
        QVERIFY2(note->text().contains(QLatin1String("30 days")) &&
                     note->text().contains(QLatin1String("usage.raw_retention_days")),
                 qPrintable(note->text()));
    }

    // Back to the shared config for the other tests.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(test::kTestConfig);
    file.close();
    QVERIFY(m_fixture.config->reload());
}

void TestUsagePage::drillDownPages() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    // Double-click carol's row.
    QTableWidget *table = page.aggregatesTable();
    int carolRow = -1;
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, 0)->text() == QStringLiteral("carol"))
            carolRow = row;
    }
    QVERIFY(carolRow >= 0);
    QSignalSpy drilled(&page, &ui::UsagePage::drillDownLoaded);
    Q_EMIT table->cellDoubleClicked(carolRow, 0);
    QVERIFY(page.isDrillDownShown());
    QTRY_COMPARE_WITH_TIMEOUT(drilled.size(), 1, 30000);
    QCOMPARE(page.drillDownKeyUuid(), m_carol);
    QCOMPARE(page.drillDownRows().size(), 200);
    QVERIFY(page.canLoadMore());
    auto *loadMore = page.findChild<QPushButton *>(QStringLiteral("usageLoadMore"));
    QVERIFY(loadMore && loadMore->isEnabled());
    loadMore->click();
    QTRY_COMPARE_WITH_TIMEOUT(drilled.size(), 2, 30000);
    loadMore->click();
    QTRY_COMPARE_WITH_TIMEOUT(drilled.size(), 3, 30000);
    QCOMPARE(page.drillDownRows().size(), 450);
    QVERIFY(!page.canLoadMore());
    QCOMPARE(page.drillDownTable()->rowCount(), 450);
    // Newest first, every row carol's, each request once.
    QSet<QString> ids;
    for (int i = 0; i < page.drillDownRows().size(); ++i) {
        const auto &row = page.drillDownRows().at(i);
        QCOMPARE(row.keyUuid, m_carol);
        ids.insert(row.requestId);
        if (i > 0)
            QVERIFY(page.drillDownRows().at(i - 1).time >= row.time);
    }
    QCOMPARE(ids.size(), 450);
    page.closeDrillDown();
    QVERIFY(!page.isDrillDownShown());
}

void TestUsagePage::exportAggregatesRoundTrips() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    const QString path = m_fixture.dir.filePath(QStringLiteral("by-key.csv"));
    QSignalSpy finished(&page, &ui::UsagePage::exportFinished);
    page.exportToFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY(finished.first().at(0).toBool());
    const auto records = readCsv(path);
    QCOMPARE(records.size(), page.aggregates().size() + 1);
    const QStringList header = records.first();
    QCOMPARE(header.first(), QStringLiteral("key_uuid"));
    const auto column = [&header](const char *name) { return header.indexOf(QLatin1String(name)); };
    for (int i = 1; i < records.size(); ++i) {
        const QStringList &fields = records.at(i);
        QCOMPARE(fields.size(), header.size());
        const QString uuid = fields.at(column("key_uuid"));
        const UsageSums sums = test::sumRows(
            m_rows, [&](const store::UsageRecord &row) { return row.keyUuid == uuid; });
        QCOMPARE(fields.at(column("requests")).toLongLong(), sums.requests);
        QCOMPARE(fields.at(column("errors")).toLongLong(), sums.errors);
        QCOMPARE(fields.at(column("prompt_tokens")).toLongLong(), sums.promptTokens);
        QCOMPARE(fields.at(column("completion_tokens")).toLongLong(), sums.completionTokens);
        QVERIFY(test::sameCost(fields.at(column("cost_usd")).toDouble(), sums.costUsd));
        QCOMPARE(fields.at(column("deleted")),
                 uuid == m_bob ? QStringLiteral("true") : QStringLiteral("false"));
    }
}

void TestUsagePage::exportRequestsRoundTrips() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    waitLoaded(page);
    QSignalSpy drilled(&page, &ui::UsagePage::drillDownLoaded);
    page.showKeyRequests(m_carol, QStringLiteral("carol"));
    QTRY_COMPARE_WITH_TIMEOUT(drilled.size(), 1, 30000);
    const QString path = m_fixture.dir.filePath(QStringLiteral("carol.csv"));
    QSignalSpy finished(&page, &ui::UsagePage::exportFinished);
    page.exportToFile(path);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
    QVERIFY2(finished.first().at(0).toBool(), qPrintable(finished.first().at(1).toString()));
    const auto records = readCsv(path);
    QList<store::UsageRecord> carol;
    for (const auto &row : std::as_const(m_rows)) {
        if (row.keyUuid == m_carol)
            carol << row;
    }
    // Every request, not only the loaded page, oldest first.
    QCOMPARE(records.size(), carol.size() + 1);
    std::sort(carol.begin(), carol.end(),
              [](const auto &a, const auto &b) { return a.time < b.time; });
    const QStringList header = records.first();
    const int id = header.indexOf(QStringLiteral("request_id"));
    const int time = header.indexOf(QStringLiteral("time"));
    const int cost = header.indexOf(QStringLiteral("cost_usd"));
    const int status = header.indexOf(QStringLiteral("status"));
    QVERIFY(id >= 0 && time >= 0 && cost >= 0 && status >= 0);
    for (int i = 0; i < carol.size(); ++i) {
        const QStringList &fields = records.at(i + 1);
        QCOMPARE(fields.size(), header.size());
        QCOMPARE(fields.at(id), carol.at(i).requestId);
        QCOMPARE(QDateTime::fromString(fields.at(time), Qt::ISODateWithMs), carol.at(i).time);
        QVERIFY(test::sameCost(fields.at(cost).toDouble(), carol.at(i).costUsd));
        QCOMPARE(fields.at(status).toInt(), carol.at(i).status);
    }
}

void TestUsagePage::keyUsageSummary() {
    ui::KeyUsageSummary summary(m_fixture.context);
    summary.setPeriodDays(30);
    summary.setKeyUuid(m_alice);
    QTRY_VERIFY_WITH_TIMEOUT(summary.loadCount() > 0 && !summary.isLoading(), 30000);
    const UsageSums sums = test::sumRows(
        m_rows, [this](const store::UsageRecord &row) { return row.keyUuid == m_alice; });
    compareLine(summary.totals(), sums);
    QDateTime newest;
    for (const auto &row : std::as_const(m_rows)) {
        if (row.keyUuid == m_alice && row.time > newest)
            newest = row.time;
    }
    QCOMPARE(summary.totals().lastTime, newest);
    // Last used stays when the period holds no request of the key.
    const QString dave = m_fixture.createKey(QStringLiteral("dave"));
    const auto daveRow = test::usageRow(dave, QStringLiteral("dave"), QStringLiteral("demo"),
                                        m_now.addDays(-10), 200, 1, 1, 0.01, 10);
    QVERIFY(store::UsageStore(*m_fixture.database).insert({daveRow}).ok());
    m_rows << daveRow;
    ui::KeyUsageSummary daveSummary(m_fixture.context);
    daveSummary.setPeriodDays(7);
    daveSummary.setKeyUuid(dave);
    QTRY_VERIFY_WITH_TIMEOUT(daveSummary.loadCount() > 0 && !daveSummary.isLoading(), 30000);
    QCOMPARE(daveSummary.totals().requests, qint64(0));
    QCOMPARE(daveSummary.totals().lastTime, daveRow.time);
    // All time adds the 45-day-old request.
    const int before = summary.loadCount();
    summary.setPeriodDays(0);
    QTRY_VERIFY_WITH_TIMEOUT(summary.loadCount() > before && !summary.isLoading(), 30000);
    QCOMPARE(summary.totals().requests, sums.requests + 1);
}

QTEST_MAIN(TestUsagePage)
#include "test_usagepage.moc"
