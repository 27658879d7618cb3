#include "store/usagestore.h"
#include "testsupport.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/dashboard/periodselector.h"
#include "usagerows.h"

#include <QLabel>
#include <QLocale>
#include <QTableWidget>

using namespace portico;
using testsupport::UsageSums;

// The Dashboard page on a real store: totals, top lists and statuses match the usage rows for
// the chosen period, and follow new rows without a store change.
class TestDashboardPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void totalsMatchRows();
    void periodSwitchChangesFigures();
    void followsNewRowsWhileVisible();
    void customPeriod();

private:
    void waitForLoadAfter(ui::DashboardPage &page, int loadsBefore);
    static void compareTotals(const ui::DashboardPage &page, const UsageSums &sums);

    QTemporaryDir m_settingsDir;
    test::UiFixture m_fixture;
    QList<store::UsageRecord> m_rows;
    QString m_alice;
    QString m_bob;
    QDateTime m_now;
};

void TestDashboardPage::initTestCase() {
    test::isolateSettings(m_settingsDir);
    QVERIFY(m_fixture.open());
    m_alice = m_fixture.createKey(QStringLiteral("alice"));
    m_bob = m_fixture.createKey(QStringLiteral("bob"));
    QVERIFY(!m_alice.isEmpty() && !m_bob.isEmpty());
    m_now = QDateTime::currentDateTimeUtc();
    const auto row = [this](const QString &key, const QString &name, const QString &route,
                            qint64 secsAgo, int status, qint64 prompt, qint64 completion,
                            double cost) {
        m_rows.append(test::usageRow(key, name, route, m_now.addSecs(-secsAgo), status, prompt,
                                     completion, cost, 100 + prompt));
    };
    const QString demo = QStringLiteral("demo");
    const QString assistant = QStringLiteral("assistant");
    // Within the last hour (10 minutes ago is inside it whatever the hour rounding).
    row(m_alice, QStringLiteral("alice"), demo, 600, 200, 10, 20, 0.001);
    row(m_bob, QStringLiteral("bob"), assistant, 590, 500, 5, 0, 0.0);
    row(QString(), QString(), demo, 580, 401, 0, 0, 0.0);
    // 5 hours ago: in 24 h, not in the last hour.
    row(m_alice, QStringLiteral("alice"), assistant, 5 * 3600, 200, 100, 200, 0.02);
    // 3 days and 20 days ago.
    row(m_bob, QStringLiteral("bob"), demo, 3 * 86400, 200, 1000, 2000, 0.5);
    row(m_alice, QStringLiteral("alice"), demo, 20 * 86400, 429, 7, 0, 0.0);
    QVERIFY(store::UsageStore(*m_fixture.database).insert(m_rows).ok());
}

void TestDashboardPage::waitForLoadAfter(ui::DashboardPage &page, int loadsBefore) {
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > loadsBefore && !page.isLoading(), 20000);
}

void TestDashboardPage::compareTotals(const ui::DashboardPage &page, const UsageSums &sums) {
    const auto &totals = page.data().totals;
    QVERIFY2(page.data().error.isEmpty(), qPrintable(page.data().error));
    QCOMPARE(totals.requests, sums.requests);
    QCOMPARE(totals.errors, sums.errors);
    QCOMPARE(totals.promptTokens, sums.promptTokens);
    QCOMPARE(totals.completionTokens, sums.completionTokens);
    QVERIFY(test::sameCost(totals.costUsd, sums.costUsd));
    const QLocale locale;
    auto *requests = page.findChild<QLabel *>(QStringLiteral("requestsTile"));
    auto *errors = page.findChild<QLabel *>(QStringLiteral("errorsTile"));
    auto *prompt = page.findChild<QLabel *>(QStringLiteral("promptTokensTile"));
    auto *completion = page.findChild<QLabel *>(QStringLiteral("completionTokensTile"));
    QVERIFY(requests && errors && prompt && completion);
    QCOMPARE(requests->text(), locale.toString(sums.requests));
    QCOMPARE(errors->text(), locale.toString(sums.errors));
    QCOMPARE(prompt->text(), locale.toString(sums.promptTokens));
    QCOMPARE(completion->text(), locale.toString(sums.completionTokens));
}

void TestDashboardPage::totalsMatchRows() {
    ui::DashboardPage page(m_fixture.context);
    page.periodSelector()->setPreset(ui::PeriodSelector::Last30Days);
    page.show();
    waitForLoadAfter(page, 0);
    QTRY_VERIFY_WITH_TIMEOUT(page.data().totals.requests == m_rows.size() && !page.isLoading(),
                             20000);
    compareTotals(page, test::sumRows(m_rows, [](const auto &) { return true; }));

    // Top keys by cost: bob (0.5) before alice (0.021).
    const auto &topKeys = page.data().topKeys;
    QVERIFY(topKeys.size() >= 2);
    QCOMPARE(topKeys.at(0).keyUuid, m_bob);
    QCOMPARE(topKeys.at(1).keyUuid, m_alice);
    auto *topKeysTable = page.findChild<QTableWidget *>(QStringLiteral("topKeysTable"));
    QVERIFY(topKeysTable);
    QCOMPARE(topKeysTable->item(0, 0)->text(), QStringLiteral("bob"));
    // Top routes by requests: demo 4, assistant 2.
    const auto &topRoutes = page.data().topRoutes;
    QCOMPARE(topRoutes.size(), 2);
    QCOMPARE(topRoutes.at(0).route, QStringLiteral("demo"));
    QCOMPARE(topRoutes.at(0).requests, qint64(4));
    // Statuses: 200 x3, 401, 429, 500.
    QList<QPair<int, qint64>> statuses;
    for (const auto &count : page.data().statuses)
        statuses.append({count.status, count.requests});
    const QList<QPair<int, qint64>> expected = {{200, 3}, {401, 1}, {429, 1}, {500, 1}};
    QCOMPARE(statuses, expected);
    // The series covers the whole period and adds up to the totals.
    qint64 seriesRequests = 0;
    double seriesCost = 0;
    for (const auto &point : page.data().series) {
        seriesRequests += point.requests;
        seriesCost += point.costUsd;
    }
    QCOMPARE(seriesRequests, qint64(m_rows.size()));
    QVERIFY(test::sameCost(seriesCost, page.data().totals.costUsd));
    QVERIFY(!page.data().hourBuckets);
}

void TestDashboardPage::periodSwitchChangesFigures() {
    ui::DashboardPage page(m_fixture.context);
    page.show();
    const struct {
        ui::PeriodSelector::Preset preset;
        qint64 maxAgeSecs;
    } cases[] = {{ui::PeriodSelector::LastHour, 3600},
                 {ui::PeriodSelector::Last24Hours, 86400},
                 {ui::PeriodSelector::Last7Days, 7 * 86400},
                 {ui::PeriodSelector::Last30Days, 30 * 86400}};
    for (const auto &period : cases) {
        const UsageSums sums = test::sumRows(m_rows, [&](const store::UsageRecord &row) {
            return row.time.secsTo(m_now) < period.maxAgeSecs;
        });
        page.periodSelector()->setPreset(period.preset);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading() && page.data().totals.requests == sums.requests,
                                 20000);
        compareTotals(page, sums);
    }
    // Hourly charts up to a week, daily beyond.
    page.periodSelector()->setPreset(ui::PeriodSelector::Last7Days);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading() && page.data().hourBuckets, 20000);
    QVERIFY(page.data().series.size() >= 7 * 24);
}

void TestDashboardPage::followsNewRowsWhileVisible() {
    ui::DashboardPage page(m_fixture.context);
    page.periodSelector()->setPreset(ui::PeriodSelector::Last24Hours);
    page.show();
    const UsageSums before = test::sumRows(
        m_rows, [this](const store::UsageRecord &row) { return row.time.secsTo(m_now) < 86400; });
    QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading() && page.data().totals.requests == before.requests,
                             20000);
    // Usage writes do not bump the change counter: the 2-second refresh picks them up.
    const auto extra =
        test::usageRow(m_alice, QStringLiteral("alice"), QStringLiteral("demo"),
                       QDateTime::currentDateTimeUtc().addSecs(-30), 200, 3, 4, 0.25, 50);
    QVERIFY(store::UsageStore(*m_fixture.database).insert({extra}).ok());
    m_rows.append(extra);
    QTRY_VERIFY_WITH_TIMEOUT(page.data().totals.requests == before.requests + 1, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(test::sameCost(page.data().totals.costUsd, before.costUsd + 0.25),
                             20000);
}

void TestDashboardPage::customPeriod() {
    ui::DashboardPage page(m_fixture.context);
    page.show();
    // From 4 days to 2 days ago: only bob's 3-day-old request.
    page.periodSelector()->setCustomRange(m_now.addDays(-4), m_now.addDays(-2));
    page.periodSelector()->setPreset(ui::PeriodSelector::Custom);
    QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading() && page.data().totals.requests == 1, 20000);
    QCOMPARE(page.data().totals.promptTokens, qint64(1000));
    QVERIFY(test::sameCost(page.data().totals.costUsd, 0.5));
}

QTEST_MAIN(TestDashboardPage)
#include "test_dashboardpage.moc"
