// The Logs page over a real GatewayLog: the kept entries at start, entries logged from other
// threads, level and text filters, the bound on the rows kept, live tail and Clear View.
#include "testsupport.h"

#include "metering/gatewaylog.h"
#include "ui/logs/logsfilterproxymodel.h"
#include "ui/logs/logspage.h"
#include "ui/logs/logstablemodel.h"
#include "ui/translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QThread>

using namespace portico;
using Level = metering::LogEntry::Level;

namespace {

constexpr int kTimeoutMs = 20'000;

metering::LogEntry makeEntry(int number, Level level = Level::Info, int status = 200,
                           const QString &key = QStringLiteral("ci-bot"),
                           const QString &route = QStringLiteral("demo")) {
    metering::LogEntry entry;
    entry.level = level;
    entry.requestId = QStringLiteral("req-%1").arg(number);
    entry.keyName = key;
    entry.route = route;
    entry.status = status;
    entry.event = QStringLiteral("request");
    entry.message = QStringLiteral("entry #%1").arg(number);
    return entry;
}

// Appends entries first..last-1 from a thread of its own, as the gateway's request threads do.
void appendFromThread(metering::GatewayLog &log, int first, int last) {
    std::unique_ptr<QThread> thread(QThread::create([&log, first, last] {
        for (int i = first; i < last; ++i)
            log.append(makeEntry(i));
    }));
    thread->start();
    QVERIFY(thread->wait(kTimeoutMs));
}

QString lastMessage(const ui::LogsTableModel &model) {
    const int rows = model.rowCount();
    return rows > 0 ? model.entry(rows - 1).message : QString();
}

QString cell(const ui::LogsPage &page, int row, int column) {
    return page.proxy()->index(row, column).data().toString();
}

} // namespace

class TestLogsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void loadsKeptEntriesThenLiveOnes();
    void levelAndTextFilters();
    void modelKeepsAtMostCapacityRows();
    void pageDropsOldestBeyondTenThousand();
    void liveTailFollowsNewest();
    void clearViewKeepsReceiving();
    void worksWithoutGateway();

private:
    QTemporaryDir m_dir;
};

void TestLogsPage::initTestCase() {
    QVERIFY(m_dir.isValid());
    test::isolateSettings(m_dir);
    // The English plurals ("53 entries") come from the embedded translations.
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
}

void TestLogsPage::loadsKeptEntriesThenLiveOnes() {
    ui::AppContext context;
    context.gatewayLog = std::make_shared<metering::GatewayLog>();
    for (int i = 0; i < 3; ++i)
        context.gatewayLog->append(makeEntry(i));

    ui::LogsPage page(context);
    QCOMPARE(page.model()->rowCount(), 3);
    QCOMPARE(cell(page, 0, ui::LogsTableModel::MessageColumn), QStringLiteral("entry #0"));
    QCOMPARE(cell(page, 2, ui::LogsTableModel::RequestColumn), QStringLiteral("req-2"));
    QCOMPARE(cell(page, 0, ui::LogsTableModel::KeyColumn), QStringLiteral("ci-bot"));
    QCOMPARE(cell(page, 0, ui::LogsTableModel::RouteColumn), QStringLiteral("demo"));
    QCOMPARE(cell(page, 0, ui::LogsTableModel::StatusColumn), QStringLiteral("200"));
    QCOMPARE(cell(page, 0, ui::LogsTableModel::LevelColumn), QStringLiteral("Info"));
    // Local time, as the user reads it.
    const QDateTime time = context.gatewayLog->entries().at(0).time;
    QCOMPARE(cell(page, 0, ui::LogsTableModel::TimeColumn),
             time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    QVERIFY(!page.proxy()
                 ->index(0, ui::LogsTableModel::LevelColumn)
                 .data(Qt::DecorationRole)
                 .value<QIcon>()
                 .isNull());

    appendFromThread(*context.gatewayLog, 3, 53);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 53, kTimeoutMs);
    for (int row = 0; row < 53; ++row)
        QCOMPARE(cell(page, row, ui::LogsTableModel::MessageColumn),
                 QStringLiteral("entry #%1").arg(row));
    auto *counts = page.findChild<QLabel *>(QStringLiteral("logsCountLabel"));
    QVERIFY(counts);
    QCOMPARE(counts->text(), QStringLiteral("53 entries"));
}

void TestLogsPage::levelAndTextFilters() {
    ui::AppContext context;
    context.gatewayLog = std::make_shared<metering::GatewayLog>();
    auto &log = *context.gatewayLog;
    log.append(makeEntry(1, Level::Debug, 0));
    log.append(makeEntry(2, Level::Info, 200));
    log.append(makeEntry(3, Level::Warning, 401, QStringLiteral("ptc_…AbCd")));
    log.append(makeEntry(4, Level::Error, 502, QStringLiteral("ci-bot"), QStringLiteral("chat")));
    log.append(makeEntry(5, Level::Warning, 403, QStringLiteral("night-job"),
                         QStringLiteral("assistant")));

    ui::LogsPage page(context);
    auto *level = page.findChild<QComboBox *>(QStringLiteral("logsLevelFilter"));
    auto *search = page.findChild<QLineEdit *>(QStringLiteral("logsSearchEdit"));
    auto *counts = page.findChild<QLabel *>(QStringLiteral("logsCountLabel"));
    QVERIFY(level && search && counts);
    QCOMPARE(level->count(), 4);
    QCOMPARE(page.proxy()->rowCount(), 5);

    level->setCurrentIndex(1); // Info and above
    QCOMPARE(page.proxy()->rowCount(), 4);
    level->setCurrentIndex(2); // Warnings and errors
    QCOMPARE(page.proxy()->rowCount(), 3);
    QCOMPARE(counts->text(), QStringLiteral("3 of 5 entries shown"));
    level->setCurrentIndex(3); // Errors
    QCOMPARE(page.proxy()->rowCount(), 1);
    QCOMPARE(cell(page, 0, ui::LogsTableModel::StatusColumn), QStringLiteral("502"));

    level->setCurrentIndex(0);
    // Any column, any case: key, route, status, request id, message.
    search->setText(QStringLiteral("NIGHT-job"));
    QCOMPARE(page.proxy()->rowCount(), 1);
    QCOMPARE(cell(page, 0, ui::LogsTableModel::RequestColumn), QStringLiteral("req-5"));
    search->setText(QStringLiteral("chat"));
    QCOMPARE(page.proxy()->rowCount(), 1);
    search->setText(QStringLiteral("401"));
    QCOMPARE(page.proxy()->rowCount(), 1);
    QCOMPARE(cell(page, 0, ui::LogsTableModel::KeyColumn), QStringLiteral("ptc_…AbCd"));
    search->setText(QStringLiteral("req-4"));
    QCOMPARE(page.proxy()->rowCount(), 1);
    search->setText(QStringLiteral("entry #"));
    QCOMPARE(page.proxy()->rowCount(), 5);
    search->setText(QStringLiteral("no such thing"));
    QCOMPARE(page.proxy()->rowCount(), 0);

    // Both at once, and new entries go through the filters too.
    search->setText(QStringLiteral("ci-bot"));
    level->setCurrentIndex(2);
    QCOMPARE(page.proxy()->rowCount(), 1);
    appendFromThread(log, 6, 8); // Info: filtered out
    metering::LogEntry denied = makeEntry(8, Level::Warning, 403);
    denied.message = QStringLiteral("no group grants the route");
    log.append(denied);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 8, kTimeoutMs);
    QCOMPARE(page.proxy()->rowCount(), 2);
    QCOMPARE(cell(page, 1, ui::LogsTableModel::MessageColumn),
             QStringLiteral("no group grants the route"));
}

void TestLogsPage::modelKeepsAtMostCapacityRows() {
    ui::LogsTableModel model(100);
    QList<metering::LogEntry> many;
    for (int i = 0; i < 250; ++i)
        many.append(makeEntry(i));
    model.setEntries(many);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.entry(0).message, QStringLiteral("entry #150"));

    // Appended in batches: the oldest rows go first.
    for (int i = 250; i < 290; ++i)
        model.append(makeEntry(i));
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage(model), QStringLiteral("entry #289"), kTimeoutMs);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.entry(0).message, QStringLiteral("entry #190"));

    // A batch bigger than the bound keeps its newest entries only.
    for (int i = 290; i < 600; ++i)
        model.append(makeEntry(i));
    model.flush();
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.entry(0).message, QStringLiteral("entry #500"));
    QCOMPARE(model.entry(99).message, QStringLiteral("entry #599"));
}

void TestLogsPage::pageDropsOldestBeyondTenThousand() {
    ui::AppContext context;
    context.gatewayLog = std::make_shared<metering::GatewayLog>(20'000);
    ui::LogsPage page(context);
    QCOMPARE(page.model()->capacity(), 10'000);
    appendFromThread(*context.gatewayLog, 0, 12'000);
    QTRY_COMPARE_WITH_TIMEOUT(lastMessage(*page.model()), QStringLiteral("entry #11999"),
                              kTimeoutMs);
    QCOMPARE(page.model()->rowCount(), 10'000);
    QCOMPARE(page.model()->entry(0).message, QStringLiteral("entry #2000"));
}

void TestLogsPage::liveTailFollowsNewest() {
    ui::AppContext context;
    context.gatewayLog = std::make_shared<metering::GatewayLog>();
    ui::LogsPage page(context);
    page.resize(900, 400);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(page.liveTail());
    QScrollBar *bar = page.tableView()->verticalScrollBar();

    appendFromThread(*context.gatewayLog, 0, 200);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 200, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 0 && bar->value() == bar->maximum(), kTimeoutMs);

    // Off: the view stays where the user put it.
    auto *tail = page.findChild<QCheckBox *>(QStringLiteral("logsLiveTail"));
    QVERIFY(tail);
    tail->setChecked(false);
    bar->setValue(0);
    appendFromThread(*context.gatewayLog, 200, 300);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 300, kTimeoutMs);
    QCOMPARE(bar->value(), 0);

    // On again: straight to the newest.
    tail->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 0 && bar->value() == bar->maximum(), kTimeoutMs);
    const QModelIndex last = page.proxy()->index(page.proxy()->rowCount() - 1, 0);
    QVERIFY(page.tableView()->viewport()->rect().intersects(page.tableView()->visualRect(last)));
}

void TestLogsPage::clearViewKeepsReceiving() {
    ui::AppContext context;
    context.gatewayLog = std::make_shared<metering::GatewayLog>();
    for (int i = 0; i < 5; ++i)
        context.gatewayLog->append(makeEntry(i));
    ui::LogsPage page(context);
    QCOMPARE(page.model()->rowCount(), 5);
    auto *clear = page.findChild<QPushButton *>(QStringLiteral("logsClearButton"));
    QVERIFY(clear);
    clear->click();
    QCOMPARE(page.model()->rowCount(), 0);
    // Only the view is cleared.
    QCOMPARE(context.gatewayLog->entries().size(), 5);
    appendFromThread(*context.gatewayLog, 5, 7);
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 2, kTimeoutMs);
    QCOMPARE(cell(page, 0, ui::LogsTableModel::MessageColumn), QStringLiteral("entry #5"));
}

void TestLogsPage::worksWithoutGateway() {
    ui::AppContext context;
    ui::LogsPage page(context);
    QCOMPARE(page.model()->rowCount(), 0);
    auto *counts = page.findChild<QLabel *>(QStringLiteral("logsCountLabel"));
    QVERIFY(counts);
    QCOMPARE(counts->text(), QStringLiteral("0 entries"));
}

QTEST_MAIN(TestLogsPage)
#include "test_logspage.moc"
