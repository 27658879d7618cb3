#include "store/database.h"
#include "store/usagerollup.h"
#include "testsupport.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/dashboard/periodselector.h"
#include "ui/usage/usagepage.h"
#include "usage5mworkload.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableWidget>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <map>

using namespace portico;
using test::UsageWorkload;

namespace {

constexpr int kWaitMs = 300000;
constexpr int kUnknownKey = -2;

bool closeCost(double shown, double expected) {
    return qAbs(shown - expected) <= 1e-9 * std::max(1.0, qAbs(expected));
}

// The time from start() to the last time a watched page said it had loaded: when the figures
// were on screen, not when the test noticed (QTRY polls).
class LoadTimer {
public:
    LoadTimer() = default;
    LoadTimer(const LoadTimer &) = delete;
    LoadTimer &operator=(const LoadTimer &) = delete;

    template <typename Page, typename Signal> void watch(Page *page, Signal loaded) {
        QObject::connect(page, loaded, page, [this] { m_shownMs = m_clock.elapsed(); });
    }
    void start() {
        m_shownMs = -1;
        m_clock.start();
    }
    qint64 shownMs() const { return m_shownMs; }

private:
    QElapsedTimer m_clock;
    qint64 m_shownMs = -1;
};

QString costFailure(double shown, double expected) {
    return QStringLiteral("cost %1, expected %2").arg(shown, 0, 'f', 10).arg(expected, 0, 'f', 10);
}

} // namespace

// Runs a checking helper and leaves the test function at its first failure, as QVERIFY would.
#define CHECKED(...)                                                                               \
    do {                                                                                           \
        __VA_ARGS__;                                                                               \
        if (QTest::currentTestFailed())                                                            \
            return;                                                                                \
    } while (false)

// The Dashboard and Usage pages on a store of five million usage rows (PORTICO_USAGE_ROWS sets
// another number for a quicker run), generated once in the test set-up: the raw rows by one SQL
// statement, their roll-ups by the store's own UsageRollup::rebuild(). Every figure the pages
// show is checked against the workload's formula; load times are printed, not judged (bench/
// measures speed).
class TestUsage5m : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void dashboardLastThirtyDays();
    void dashboardOtherPeriods();
    void usageByKeyAndRoute();
    void usageFilters();
    void deletedKeyIsMarked();
    void drillDownShowsOneKey();

private:
    using Sums = UsageWorkload::Sums;
    using Selection = UsageWorkload::Selection;

    bool generate();
    Sums sum(const Selection &selection) const;
    // Sums per key (index; kNoKey for requests without key) or per route index.
    std::map<int, Sums> sumByKey(const Selection &selection) const;
    std::map<int, Sums> sumByRoute(const Selection &selection) const;
    int keyIndex(const QString &uuid) const;
    QString label(int key, const Sums &sums) const;
    // The last 30 days as the pages see them during the test (see UsageWorkload).
    Selection lastThirtyDays() const;
    void checkLine(const store::UsageAggregate &line, const Sums &expected);
    void checkByKey(const ui::UsagePage &page, const Selection &selection);
    void reload(ui::UsagePage &page, LoadTimer &timer, const std::function<void()> &change,
                const char *what);
    void drill(QSignalSpy &drilled, LoadTimer &timer, const std::function<void()> &action,
               const char *what);
    void checkDrillCount(const ui::UsagePage &page, qint64 expected);
    QString keyUuid(int key) const { return m_keyUuids.at(key); }

    QTemporaryDir m_settingsDir;
    test::UiFixture m_fixture;
    UsageWorkload m_workload;
    QList<UsageWorkload::Cell> m_cells;
    QStringList m_keyUuids;
    QString m_group; // keys 0 and 2
    qint64 m_endMs = 0;

    // A timer in the GUI thread, ticking while the pages load in workers.
    QTimer m_ticker;
    QElapsedTimer m_sinceTick;
    qint64 m_longestStallMs = 0;
};

void TestUsage5m::initTestCase() {
    test::isolateSettings(m_settingsDir);
    QVERIFY(m_fixture.open());
    const qint64 rows = qEnvironmentVariableIsSet("PORTICO_USAGE_ROWS")
                            ? qEnvironmentVariable("PORTICO_USAGE_ROWS").toLongLong()
                            : 5000000;
    QVERIFY2(rows >= 10000, "PORTICO_USAGE_ROWS must be at least 10000");

    m_group = m_fixture.createGroup(QStringLiteral("platform"), {QStringLiteral("assistant")});
    QVERIFY(!m_group.isEmpty());
    for (int key = 0; key < UsageWorkload::kKeys; ++key) {
        const QStringList groups = key == 0 || key == 2 ? QStringList{m_group} : QStringList{};
        m_keyUuids << m_fixture.createKey(QLatin1String(UsageWorkload::kKeyNames[size_t(key)]),
                                          groups);
        QVERIFY(!m_keyUuids.last().isEmpty());
    }
    // A second back, so that "now" in every period is past the newest row.
    m_endMs = QDateTime::currentMSecsSinceEpoch() - 1000;
    m_workload = UsageWorkload(rows, m_endMs);
    QVERIFY(generate());
    QVERIFY(m_fixture.keys().deleteKey(keyUuid(UsageWorkload::kDeletedKey)).ok());

    m_sinceTick.start();
    m_ticker.setInterval(10);
    connect(&m_ticker, &QTimer::timeout, this,
            [this] { m_longestStallMs = std::max(m_longestStallMs, m_sinceTick.restart()); });
    m_ticker.start();
}

bool TestUsage5m::generate() {
    const qint64 rows = m_workload.rowCount();
    store::Database &db = *m_fixture.database;
    const auto run = [](QSqlQuery &query, const QString &sql) {
        if (query.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(query.lastError().text()));
        return false;
    };
    const auto failed = [](const store::Status &status) {
        if (!status)
            qWarning("%s", qPrintable(status.error().message));
        return !status;
    };
    QSqlQuery pragma(db.connection());
    // SQLite answers with the mode in force, which stays the old one when it cannot switch.
    const auto journalMode = [&](const char *mode) {
        const QString wanted = QLatin1String(mode);
        const bool switched = run(pragma, QStringLiteral("PRAGMA journal_mode = ") + wanted) &&
                              pragma.next() && pragma.value(0).toString() == wanted;
        pragma.finish();
        if (!switched)
            qWarning("the store stays out of journal mode %s", mode);
        return switched;
    };
    // The raw rows go straight into the file: a journal would write them twice, and nothing is
    // to be kept if the machine stops during the set-up. This is the only connection so far.
    if (!journalMode("off") || !run(pragma, QStringLiteral("PRAGMA synchronous = OFF")))
        return false;
    pragma.finish();

    QElapsedTimer timer;
    timer.start();
    {
        store::Transaction tx(db);
        if (failed(tx.isOpen() ? store::Status() : store::Status(tx.error())))
            return false;
        QSqlQuery insert(tx.connection());
        if (!insert.prepare(m_workload.insertSql())) {
            qWarning("%s", qPrintable(insert.lastError().text()));
            return false;
        }
        for (int key = 0; key < UsageWorkload::kKeys; ++key)
            insert.addBindValue(keyUuid(key));
        for (int key = 0; key < UsageWorkload::kKeys; ++key)
            insert.addBindValue(QLatin1String(UsageWorkload::kKeyNames[size_t(key)]));
        if (!insert.exec()) {
            qWarning("%s", qPrintable(insert.lastError().text()));
            return false;
        }
        if (insert.numRowsAffected() != rows) {
            qWarning("wrote %d rows", insert.numRowsAffected());
            return false;
        }
        insert.finish();
        if (failed(tx.commitQuietly()))
            return false;
    }
    const qint64 rawMs = timer.restart();
    // The roll-ups come from the store's own code, as for a store upgraded to schema 3. Its
    // GROUP BY sorts every raw row: a helper thread and the file mapped in memory help it.
    const QString helperThreads = QString::number(std::max(1, QThread::idealThreadCount() - 1));
    if (!journalMode("wal") || !run(pragma, QStringLiteral("PRAGMA synchronous = FULL")) ||
        !run(pragma, QStringLiteral("PRAGMA threads = ") + helperThreads) ||
        !run(pragma, QStringLiteral("PRAGMA mmap_size = 4294967296")))
        return false;
    pragma.finish();
    {
        store::Transaction tx(db);
        if (failed(tx.isOpen() ? store::Status() : store::Status(tx.error())) ||
            failed(store::UsageRollup::rebuild(tx.connection())) || failed(tx.commitQuietly()))
            return false;
    }
    if (!run(pragma, QStringLiteral("PRAGMA threads = 0")) ||
        !run(pragma, QStringLiteral("PRAGMA mmap_size = 0")))
        return false;
    pragma.finish();
    const qint64 rollupMs = timer.restart();
    m_cells = m_workload.tally();
    const qint64 tallyMs = timer.elapsed();
    qInfo("%lld rows: set-up %lld ms (raw rows %lld ms, roll-ups %lld ms, expected figures "
          "%lld ms)",
          rows, rawMs + rollupMs + tallyMs, rawMs, rollupMs, tallyMs);
    return true;
}

void TestUsage5m::cleanupTestCase() {
    m_ticker.stop();
    qInfo("%lld rows: longest GUI-thread stall while the pages loaded %lld ms",
          m_workload.rowCount(), m_longestStallMs);
}

TestUsage5m::Sums TestUsage5m::sum(const Selection &selection) const {
    Sums total;
    for (const auto &cell : m_cells) {
        if (selection.matches(cell))
            total.add(cell.sums);
    }
    return total;
}

std::map<int, TestUsage5m::Sums> TestUsage5m::sumByKey(const Selection &selection) const {
    std::map<int, Sums> lines;
    for (const auto &cell : m_cells) {
        if (selection.matches(cell))
            lines[cell.key].add(cell.sums);
    }
    return lines;
}

std::map<int, TestUsage5m::Sums> TestUsage5m::sumByRoute(const Selection &selection) const {
    std::map<int, Sums> lines;
    for (const auto &cell : m_cells) {
        if (selection.matches(cell))
            lines[UsageWorkload::routeOf(cell.model)].add(cell.sums);
    }
    return lines;
}

// kNoKey for requests without a key; kUnknownKey for a uuid the workload never used.
int TestUsage5m::keyIndex(const QString &uuid) const {
    if (uuid.isEmpty())
        return UsageWorkload::kNoKey;
    const qsizetype index = m_keyUuids.indexOf(uuid);
    return index < 0 ? kUnknownKey : int(index);
}

QString TestUsage5m::label(int key, const Sums &sums) const {
    if (key == UsageWorkload::kNoKey)
        return QStringLiteral("(no key)");
    const QString name = m_workload.keyNameAt(key, sums.lastRow);
    return key == UsageWorkload::kDeletedKey ? name + QStringLiteral(" (deleted)") : name;
}

TestUsage5m::Selection TestUsage5m::lastThirtyDays() const {
    Selection selection;
    selection.since = m_endMs - 30 * UsageWorkload::kDayMs;
    return selection;
}

void TestUsage5m::checkLine(const store::UsageAggregate &line, const Sums &expected) {
    QCOMPARE(line.requests, expected.requests);
    QCOMPARE(line.errors, expected.errors);
    QCOMPARE(line.streamRequests, expected.streamRequests);
    QCOMPARE(line.promptTokens, expected.promptTokens);
    QCOMPARE(line.completionTokens, expected.completionTokens);
    QVERIFY2(closeCost(line.costUsd, expected.costUsd),
             qPrintable(costFailure(line.costUsd, expected.costUsd)));
    QVERIFY(qAbs(line.avgLatencyMs - double(expected.latencySumMs) / double(expected.requests)) <
            1e-6);
    if (expected.ttftCount > 0)
        QVERIFY(qAbs(line.avgTtftMs - double(expected.ttftSumMs) / double(expected.ttftCount)) <
                1e-6);
    else
        QCOMPARE(line.avgTtftMs, -1.0);
    QCOMPARE(line.lastTime.toMSecsSinceEpoch(), expected.lastTime);
}

// The page's lines by key equal the expected figures of `selection`, one line per key.
void TestUsage5m::checkByKey(const ui::UsagePage &page, const Selection &selection) {
    QCOMPARE(page.grouping(), store::UsageGrouping::Key);
    const auto expected = sumByKey(selection);
    QCOMPARE(page.aggregates().size(), qsizetype(expected.size()));
    for (const auto &line : page.aggregates()) {
        const int key = keyIndex(line.keyUuid);
        QVERIFY(key != kUnknownKey);
        const auto it = expected.find(key);
        QVERIFY(it != expected.end());
        CHECKED(checkLine(line, it->second));
        if (key != UsageWorkload::kNoKey)
            QCOMPARE(line.keyName, m_workload.keyNameAt(key, it->second.lastRow));
        QCOMPARE(line.deleted, key == UsageWorkload::kDeletedKey);
    }
    // Most requests first.
    for (qsizetype i = 1; i < page.aggregates().size(); ++i)
        QVERIFY(page.aggregates().at(i - 1).requests >= page.aggregates().at(i).requests);
    QCOMPARE(page.aggregatesTable()->rowCount(), int(expected.size()));
}

void TestUsage5m::reload(ui::UsagePage &page, LoadTimer &timer, const std::function<void()> &change,
                         const char *what) {
    const int before = page.loadCount();
    timer.start();
    change();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > before && !page.isLoading(), kWaitMs);
    qInfo("%lld rows: usage page, %s: %lld ms", m_workload.rowCount(), what, timer.shownMs());
}

// Runs `action` and waits for the drill-down to show the page of requests it asked for.
void TestUsage5m::drill(QSignalSpy &drilled, LoadTimer &timer, const std::function<void()> &action,
                        const char *what) {
    const qsizetype before = drilled.size();
    timer.start();
    action();
    QTRY_VERIFY_WITH_TIMEOUT(drilled.size() > before, kWaitMs);
    qInfo("%lld rows: drill-down, %s: %lld ms", m_workload.rowCount(), what, timer.shownMs());
}

// The page says how many requests the drill-down holds in all.
void TestUsage5m::checkDrillCount(const ui::UsagePage &page, qint64 expected) {
    const QLocale locale;
    const QString text =
        QStringLiteral("%1 of %2 requests")
            .arg(locale.toString(qint64(page.drillDownRows().size())), locale.toString(expected));
    const auto labels = page.drillDownTable()->parentWidget()->findChildren<QLabel *>();
    const bool shown = std::any_of(labels.begin(), labels.end(),
                                   [&](const QLabel *label) { return label->text() == text; });
    QVERIFY2(shown, qPrintable(QStringLiteral("no label says \"%1\"").arg(text)));
}

void TestUsage5m::dashboardLastThirtyDays() {
    LoadTimer timer;
    timer.start();
    ui::DashboardPage page(m_fixture.context);
    timer.watch(&page, &ui::DashboardPage::loaded);
    page.periodSelector()->setPreset(ui::PeriodSelector::Last30Days);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), kWaitMs);
    qInfo("%lld rows: dashboard, 30 days: %lld ms", m_workload.rowCount(), timer.shownMs());
    const ui::DashboardData &data = page.data();
    QVERIFY2(data.error.isEmpty(), qPrintable(data.error));

    const Selection period = lastThirtyDays();
    const Sums expected = sum(period);
    QVERIFY(expected.requests > m_workload.rowCount() / 2);
    CHECKED(checkLine(data.totals, expected));
    const QLocale locale;
    const auto tile = [&page](const char *name) {
        auto *label = page.findChild<QLabel *>(QLatin1String(name));
        return label ? label->text() : QString();
    };
    QCOMPARE(tile("requestsTile"), locale.toString(expected.requests));
    QCOMPARE(tile("errorsTile"), locale.toString(expected.errors));
    QCOMPARE(tile("promptTokensTile"), locale.toString(expected.promptTokens));
    QCOMPARE(tile("completionTokensTile"), locale.toString(expected.completionTokens));

    // The chart adds up to the totals.
    QVERIFY(!data.hourBuckets);
    qint64 seriesRequests = 0;
    double seriesCost = 0;
    for (const auto &point : data.series) {
        seriesRequests += point.requests;
        seriesCost += point.costUsd;
    }
    QCOMPARE(seriesRequests, expected.requests);
    QVERIFY(closeCost(seriesCost, expected.costUsd));

    // Top keys by cost, the deleted one marked.
    const auto byKey = sumByKey(period);
    QList<int> keysByCost;
    for (const auto &[key, sums] : byKey)
        keysByCost << key;
    std::stable_sort(keysByCost.begin(), keysByCost.end(),
                     [&byKey](int a, int b) { return byKey.at(a).costUsd > byKey.at(b).costUsd; });
    QCOMPARE(data.topKeys.size(), keysByCost.size());
    auto *topKeysTable = page.findChild<QTableWidget *>(QStringLiteral("topKeysTable"));
    QVERIFY(topKeysTable);
    for (qsizetype i = 0; i < keysByCost.size(); ++i) {
        const int key = keysByCost.at(i);
        QCOMPARE(keyIndex(data.topKeys.at(i).keyUuid), key);
        CHECKED(checkLine(data.topKeys.at(i), byKey.at(key)));
        QCOMPARE(topKeysTable->item(int(i), 0)->text(), label(key, byKey.at(key)));
    }

    // Top routes by requests.
    const auto byRoute = sumByRoute(period);
    QCOMPARE(data.topRoutes.size(), qsizetype(byRoute.size()));
    for (qsizetype i = 0; i < data.topRoutes.size(); ++i) {
        const auto &line = data.topRoutes.at(i);
        const int route =
            int(std::find_if(UsageWorkload::kRoutes.begin(), UsageWorkload::kRoutes.end(),
                             [&](const char *name) { return line.route == QLatin1String(name); }) -
                UsageWorkload::kRoutes.begin());
        QVERIFY2(byRoute.count(route) == 1, qPrintable(line.route));
        CHECKED(checkLine(line, byRoute.at(route)));
        if (i > 0)
            QVERIFY(data.topRoutes.at(i - 1).requests > line.requests);
    }

    // Requests per status.
    std::map<int, qint64> perStatus;
    for (const auto &cell : m_cells) {
        if (period.matches(cell))
            perStatus[cell.status] += cell.sums.requests;
    }
    QCOMPARE(data.statuses.size(), qsizetype(perStatus.size()));
    for (const auto &count : data.statuses)
        QCOMPARE(count.requests, perStatus[count.status]);
}

void TestUsage5m::dashboardOtherPeriods() {
    LoadTimer timer;
    ui::DashboardPage page(m_fixture.context);
    timer.watch(&page, &ui::DashboardPage::loaded);
    const auto check = [&](const std::function<void()> &choose, const char *what) {
        const int before = page.loadCount();
        timer.start();
        choose();
        QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > before && !page.isLoading(), kWaitMs);
        qInfo("%lld rows: dashboard, %s: %lld ms", m_workload.rowCount(), what, timer.shownMs());
        QVERIFY2(page.data().error.isEmpty(), qPrintable(page.data().error));
        // The period the page loaded, whole hours as the roll-up counts them.
        Selection period;
        period.since = page.data().since.toMSecsSinceEpoch();
        period.until = page.data().until.toMSecsSinceEpoch();
        CHECKED(checkLine(page.data().totals, sum(period)));
    };
    CHECKED(check(
        [&] {
            page.periodSelector()->setPreset(ui::PeriodSelector::LastHour);
            page.show();
        },
        "last hour"));
    QVERIFY(page.data().totals.requests > 0);
    CHECKED(check([&] { page.periodSelector()->setPreset(ui::PeriodSelector::Last24Hours); },
                  "24 hours"));
    QVERIFY(page.data().hourBuckets);
    CHECKED(
        check([&] { page.periodSelector()->setPreset(ui::PeriodSelector::Last7Days); }, "7 days"));
    QVERIFY(page.data().hourBuckets);
    // Custom: whole hours, from 40 to 20 days ago (the deleted key's last weeks and before).
    const qint64 hourEnd = m_endMs - m_endMs % UsageWorkload::kHourMs;
    const QDateTime from =
        QDateTime::fromMSecsSinceEpoch(hourEnd - 40 * UsageWorkload::kDayMs, Qt::UTC);
    const QDateTime to =
        QDateTime::fromMSecsSinceEpoch(hourEnd - 20 * UsageWorkload::kDayMs, Qt::UTC);
    CHECKED(check(
        [&] {
            page.periodSelector()->setCustomRange(from, to);
            page.periodSelector()->setPreset(ui::PeriodSelector::Custom);
        },
        "custom 20 days"));
    QCOMPARE(page.data().since, from);
    QCOMPARE(page.data().until, to);
}

void TestUsage5m::usageByKeyAndRoute() {
    LoadTimer timer;
    timer.start();
    ui::UsagePage page(m_fixture.context);
    timer.watch(&page, &ui::UsagePage::loaded);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), kWaitMs);
    qInfo("%lld rows: usage page, by key, 30 days: %lld ms", m_workload.rowCount(),
          timer.shownMs());
    QCOMPARE(page.periodSelector()->preset(), ui::PeriodSelector::Last30Days);
    CHECKED(checkByKey(page, lastThirtyDays()));

    CHECKED(reload(
        page, timer, [&] { page.setGrouping(store::UsageGrouping::Route); }, "by route, 30 days"));
    const auto byRoute = sumByRoute(lastThirtyDays());
    QCOMPARE(page.aggregates().size(), qsizetype(byRoute.size()));
    for (const auto &line : page.aggregates()) {
        const auto it = std::find_if(byRoute.begin(), byRoute.end(), [&](const auto &entry) {
            return line.route == QLatin1String(UsageWorkload::kRoutes[size_t(entry.first)]);
        });
        QVERIFY2(it != byRoute.end(), qPrintable(line.route));
        CHECKED(checkLine(line, it->second));
    }
    QCOMPARE(page.aggregatesTable()->horizontalHeaderItem(0)->text(), QStringLiteral("Route"));
}

void TestUsage5m::usageFilters() {
    LoadTimer timer;
    ui::UsagePage page(m_fixture.context);
    timer.watch(&page, &ui::UsagePage::loaded);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), kWaitMs);

    Selection selection = lastThirtyDays();
    selection.keys = {0};
    CHECKED(reload(
        page, timer, [&] { page.setKeyFilter(keyUuid(0)); }, "one key"));
    CHECKED(checkByKey(page, selection));
    CHECKED(reload(
        page, timer, [&] { page.setKeyFilter(QString()); }, "all keys"));
    selection.keys.clear();
    CHECKED(checkByKey(page, selection));

    selection.route = 2; // premium
    CHECKED(reload(
        page, timer, [&] { page.setRouteFilter(QStringLiteral("premium")); }, "one route"));
    CHECKED(checkByKey(page, selection));

    selection.statusFrom = 400;
    CHECKED(reload(
        page, timer, [&] { page.setStatusFilter(ui::UsagePage::Status::Errors); },
        "route + errors"));
    CHECKED(checkByKey(page, selection));
    for (const auto &line : page.aggregates())
        QCOMPARE(line.errors, line.requests);
    selection.route = -1;
    CHECKED(reload(
        page, timer, [&] { page.setRouteFilter(QString()); }, "errors"));
    CHECKED(checkByKey(page, selection));

    selection.statusFrom = -1;
    selection.statusTo = 399;
    CHECKED(reload(
        page, timer, [&] { page.setStatusFilter(ui::UsagePage::Status::Success); }, "successes"));
    CHECKED(checkByKey(page, selection));
    for (const auto &line : page.aggregates())
        QCOMPARE(line.errors, qint64(0));
    selection.statusTo = -1;
    CHECKED(reload(
        page, timer, [&] { page.setStatusFilter(ui::UsagePage::Status::All); }, "all statuses"));

    // A group: its current members.
    selection.keys = {0, 2};
    CHECKED(reload(
        page, timer, [&] { page.setGroupFilter(m_group); }, "one group"));
    CHECKED(checkByKey(page, selection));
    selection.keys.clear();
    CHECKED(reload(
        page, timer, [&] { page.setGroupFilter(QString()); }, "all groups"));

    // Time: every row, then whole hours from 10 to 3 days ago.
    CHECKED(reload(
        page, timer, [&] { page.periodSelector()->setPreset(ui::PeriodSelector::AllTime); },
        "all time"));
    CHECKED(checkByKey(page, Selection{}));
    qint64 total = 0;
    for (const auto &line : page.aggregates())
        total += line.requests;
    QCOMPARE(total, m_workload.rowCount());
    const qint64 hourEnd = m_endMs - m_endMs % UsageWorkload::kHourMs;
    selection.since = hourEnd - 10 * UsageWorkload::kDayMs;
    selection.until = hourEnd - 3 * UsageWorkload::kDayMs;
    CHECKED(reload(
        page, timer,
        [&] {
            page.periodSelector()->setCustomRange(
                QDateTime::fromMSecsSinceEpoch(selection.since, Qt::UTC),
                QDateTime::fromMSecsSinceEpoch(selection.until, Qt::UTC));
            page.periodSelector()->setPreset(ui::PeriodSelector::Custom);
        },
        "custom 7 days"));
    CHECKED(checkByKey(page, selection));
    // The deleted key had stopped by then.
    QVERIFY(std::none_of(page.aggregates().begin(), page.aggregates().end(),
                         [](const auto &line) { return line.deleted; }));
}

void TestUsage5m::deletedKeyIsMarked() {
    ui::UsagePage page(m_fixture.context);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), kWaitMs);
    const auto byKey = sumByKey(lastThirtyDays());
    QTableWidget *table = page.aggregatesTable();
    QCOMPARE(table->rowCount(), int(byKey.size()));
    QStringList shown;
    for (int row = 0; row < table->rowCount(); ++row)
        shown << table->item(row, 0)->text();
    QStringList expected;
    for (const auto &[key, sums] : byKey)
        expected << label(key, sums);
    shown.sort();
    expected.sort();
    QCOMPARE(shown, expected);
    QVERIFY(expected.contains(QStringLiteral("intern-2023 (deleted)")));
    // The renamed key shows its current name.
    QVERIFY(expected.contains(QStringLiteral("support-bot")));
}

void TestUsage5m::drillDownShowsOneKey() {
    LoadTimer timer;
    ui::UsagePage page(m_fixture.context);
    timer.watch(&page, &ui::UsagePage::drillDownLoaded);
    page.show();
    QTRY_VERIFY_WITH_TIMEOUT(page.loadCount() > 0 && !page.isLoading(), kWaitMs);
    const Selection period = lastThirtyDays();
    const auto byKey = sumByKey(period);
    // The first `pages` pages of 200 requests, all of the key shown, newest first.
    const auto checkRows = [&](qint64 total, int pages, const std::function<bool(int)> &statusOk) {
        const int expectedRows = int(std::min<qint64>(total, 200 * pages));
        QCOMPARE(page.drillDownRows().size(), qsizetype(expectedRows));
        QCOMPARE(page.drillDownTable()->rowCount(), expectedRows);
        for (int i = 0; i < page.drillDownRows().size(); ++i) {
            const auto &record = page.drillDownRows().at(i);
            QVERIFY(record.keyUuid == page.drillDownKeyUuid());
            QVERIFY(statusOk(record.status));
            if (i > 0)
                QVERIFY(page.drillDownRows().at(i - 1).time >= record.time);
        }
    };
    const auto any = [](int) { return true; };
    QSignalSpy drilled(&page, &ui::UsagePage::drillDownLoaded);

    // Double-click the deleted key's line.
    const int deleted = UsageWorkload::kDeletedKey;
    QTableWidget *table = page.aggregatesTable();
    int row = -1;
    for (int i = 0; i < table->rowCount(); ++i) {
        if (table->item(i, 0)->text() == label(deleted, byKey.at(deleted)))
            row = i;
    }
    QVERIFY(row >= 0);
    CHECKED(drill(
        drilled, timer, [&] { Q_EMIT table->cellDoubleClicked(row, 0); },
        "deleted key, first page"));
    QVERIFY(page.isDrillDownShown());
    QCOMPARE(page.drillDownKeyUuid(), keyUuid(deleted));
    CHECKED(checkRows(byKey.at(deleted).requests, 1, any));
    QCOMPARE(page.drillDownRows().first().time.toMSecsSinceEpoch(), byKey.at(deleted).lastTime);
    QCOMPARE(page.drillDownRows().first().keyName, QStringLiteral("intern-2023"));
    CHECKED(checkDrillCount(page, byKey.at(deleted).requests));
    QVERIFY(page.canLoadMore());
    CHECKED(drill(
        drilled, timer,
        [&] { page.findChild<QPushButton *>(QStringLiteral("usageLoadMore"))->click(); },
        "deleted key, second page"));
    CHECKED(checkRows(byKey.at(deleted).requests, 2, any));

    // The status filter applies to the requests shown.
    CHECKED(drill(
        drilled, timer, [&] { page.setStatusFilter(ui::UsagePage::Status::Errors); },
        "deleted key, errors"));
    Selection errors = period;
    errors.statusFrom = 400;
    const qint64 deletedErrors = sumByKey(errors).at(deleted).requests;
    CHECKED(checkRows(deletedErrors, 1, [](int status) { return status >= 400; }));
    CHECKED(checkDrillCount(page, deletedErrors));
    CHECKED(drill(
        drilled, timer, [&] { page.setStatusFilter(ui::UsagePage::Status::All); },
        "deleted key, all statuses"));
    QTRY_VERIFY_WITH_TIMEOUT(!page.isLoading(), kWaitMs);

    // The busiest key: its count reads more than a third of the raw rows.
    CHECKED(drill(
        drilled, timer, [&] { page.showKeyRequests(keyUuid(0), QStringLiteral("ci-pipeline")); },
        "busiest key, first page"));
    QCOMPARE(page.drillDownKeyUuid(), keyUuid(0));
    CHECKED(checkRows(byKey.at(0).requests, 1, any));
    CHECKED(checkDrillCount(page, byKey.at(0).requests));
    page.closeDrillDown();
    QVERIFY(!page.isDrillDownShown());
}

QTEST_MAIN(TestUsage5m)
#include "test_usage5m.moc"
