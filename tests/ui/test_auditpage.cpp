// The Audit page and the History sections over a real store: rows newest first with who, where
// from and what changed, the filters, paging by keyset as the table scrolls, the empty state,
// rows written after the page loaded, and the History of a key in its detail panel and of a
// group on the Groups page, with "Show all in Audit".
#include "testsupport.h"

#include "store/auditlog.h"
#include "ui/audit/auditpage.h"
#include "ui/audit/audittablemodel.h"
#include "ui/audit/historysection.h"
#include "ui/groups/groupspage.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/mainwindow.h"

#include <QComboBox>
#include <QLabel>
#include <QSqlQuery>
#include <QTableView>
#include <QTreeWidget>

using namespace portico;

namespace {

constexpr int kTimeoutMs = 20'000;

QString cell(const ui::AuditTableModel &model, int row, int column) {
    return model.index(row, column).data().toString();
}

QStringList actions(const ui::AuditTableModel &model) {
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out << model.index(row, 0).data(ui::AuditTableModel::ActionRole).toString();
    return out;
}

// `count` group.create rows written straight into the audit table, as a long-lived store has.
bool insertRows(store::Database &db, int count) {
    QSqlQuery query(db.connection());
    return query.exec(QStringLiteral("BEGIN")) &&
           query.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                                     "FROM n WHERE i < %1) INSERT INTO audit (time, actor, "
                                     "action, object_type, object_uuid, details) SELECT %2 + i, "
                                     "'cli:carol', 'group.create', 'group', "
                                     "'99999999-9999-4999-8999-999999999999', "
                                     "'{\"name\":\"bulk' || i || '\"}' FROM n")
                          .arg(count)
                          .arg(QDateTime::currentMSecsSinceEpoch() - 60'000)) &&
           query.exec(QStringLiteral("COMMIT"));
}

} // namespace

class TestAuditPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void rowsNewestFirstInWords();
    void filtersByKeyGroupActionAndPeriod();
    void scrollingFetchesThePagesBelow();
    void newRowsAppearOnTop();
    void emptyStateSaysNothingMatches();
    void keyDetailPanelShowsTheKeysHistory();
    void groupsPageShowsTheGroupsHistoryAndShowAllOpensAudit();

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    QString m_keyUuid;
    QString m_groupUuid;
};

void TestAuditPage::initTestCase() {
    test::isolateSettings(m_settingsDir);
}

// A key renamed and put in a group from the window, and a group granted a route from the command
// line: the history every test starts from.
void TestAuditPage::init() {
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
    store::GroupStore cliGroups(*m_fixture->database, QStringLiteral("cli:alice"));
    store::KeyStore desktopKeys(*m_fixture->database, QStringLiteral("desktop:bob"));
    auto group = cliGroups.createGroup(QStringLiteral("team"));
    QVERIFY(group.ok());
    m_groupUuid = group->uuid;
    auto key = desktopKeys.createKey(QStringLiteral("alpha"));
    QVERIFY(key.ok());
    m_keyUuid = key->record.uuid;
    QVERIFY(desktopKeys.renameKey(QStringLiteral("alpha"), QStringLiteral("beta")).ok());
    QVERIFY(desktopKeys.addKeyToGroup(QStringLiteral("beta"), QStringLiteral("team")).ok());
    QVERIFY(cliGroups.addRoute(QStringLiteral("team"), QStringLiteral("demo")).ok());
    QVERIFY(desktopKeys.createKey(QStringLiteral("other"), {m_groupUuid}).ok());
}

void TestAuditPage::cleanup() {
    m_fixture.reset();
}

void TestAuditPage::rowsNewestFirstInWords() {
    ui::AuditPage page(m_fixture->context);
    page.resize(1200, 600);
    page.show();
    ui::AuditTableModel &model = *page.model();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 6, kTimeoutMs);
    QCOMPARE(actions(model),
             (QStringList{QStringLiteral("key.create"), QStringLiteral("group.add_route"),
                          QStringLiteral("key.add_group"), QStringLiteral("key.rename"),
                          QStringLiteral("key.create"), QStringLiteral("group.create")}));
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.entry(row).id < model.entry(row - 1).id);

    using Column = ui::AuditTableModel::Column;
    QCOMPARE(model.headerData(Column::ChangesColumn, Qt::Horizontal).toString(),
             QStringLiteral("Changes"));
    // The rename, made in the window by bob.
    QCOMPARE(cell(model, 3, Column::UserColumn), QStringLiteral("bob"));
    QCOMPARE(cell(model, 3, Column::SourceColumn), QStringLiteral("Window"));
    QCOMPARE(cell(model, 3, Column::ActionColumn), QStringLiteral("Renamed key"));
    QCOMPARE(cell(model, 3, Column::ObjectColumn), QStringLiteral("beta"));
    QCOMPARE(cell(model, 3, Column::ChangesColumn), QStringLiteral("alpha → beta"));
    QCOMPARE(cell(model, 3, Column::TimeColumn),
             QLocale().toString(model.entry(3).time.toLocalTime(), QLocale::ShortFormat));
    // The grant, from the command line by alice.
    QCOMPARE(cell(model, 1, Column::UserColumn), QStringLiteral("alice"));
    QCOMPARE(cell(model, 1, Column::SourceColumn), QStringLiteral("Command line"));
    QCOMPARE(cell(model, 1, Column::ActionColumn), QStringLiteral("Granted route"));
    QCOMPARE(cell(model, 1, Column::ObjectColumn), QStringLiteral("team"));
    QCOMPARE(cell(model, 1, Column::ChangesColumn), QStringLiteral("demo"));
    QCOMPARE(cell(model, 2, Column::ActionColumn), QStringLiteral("Added to group"));
    QCOMPARE(cell(model, 2, Column::ChangesColumn), QStringLiteral("team"));
    // A new key says which groups it was created in; a new group's empty description says
    // nothing.
    QCOMPARE(cell(model, 0, Column::ActionColumn), QStringLiteral("Created key"));
    QCOMPARE(cell(model, 0, Column::ChangesColumn), QStringLiteral("Groups: team"));
    QCOMPARE(cell(model, 5, Column::ChangesColumn), QString());
    QVERIFY(!page.isEmptyStateShown());
}

void TestAuditPage::filtersByKeyGroupActionAndPeriod() {
    ui::AuditPage page(m_fixture->context);
    page.show();
    ui::AuditTableModel &model = *page.model();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 6, kTimeoutMs);

    // The key box lists the store's keys once they are read; choosing one filters.
    auto *keyBox = page.findChild<QComboBox *>(QStringLiteral("auditKeyFilter"));
    QVERIFY(keyBox);
    QTRY_VERIFY_WITH_TIMEOUT(keyBox->findText(QStringLiteral("beta")) > 0, kTimeoutMs);
    keyBox->setCurrentIndex(keyBox->findText(QStringLiteral("beta")));
    QTRY_COMPARE_WITH_TIMEOUT(
        actions(model),
        (QStringList{QStringLiteral("key.add_group"), QStringLiteral("key.rename"),
                     QStringLiteral("key.create")}),
        kTimeoutMs);
    keyBox->setCurrentIndex(0);

    // The group's own rows, a key joining it, and a key created in it.
    page.setGroupFilter(m_groupUuid);
    QTRY_COMPARE_WITH_TIMEOUT(
        actions(model),
        (QStringList{QStringLiteral("key.create"), QStringLiteral("group.add_route"),
                     QStringLiteral("key.add_group"), QStringLiteral("group.create")}),
        kTimeoutMs);
    page.setGroupFilter(QString());

    auto *actionBox = page.findChild<QComboBox *>(QStringLiteral("auditActionFilter"));
    QVERIFY(actionBox);
    actionBox->setCurrentIndex(actionBox->findText(QStringLiteral("Every group change")));
    QTRY_COMPARE_WITH_TIMEOUT(
        actions(model),
        (QStringList{QStringLiteral("group.add_route"), QStringLiteral("group.create")}),
        kTimeoutMs);
    actionBox->setCurrentIndex(actionBox->findText(QStringLiteral("Renamed key")));
    QTRY_COMPARE_WITH_TIMEOUT(actions(model), QStringList{QStringLiteral("key.rename")},
                              kTimeoutMs);
    actionBox->setCurrentIndex(0);

    // Every row but the newest moved two days back: the last 24 hours hold one.
    QSqlQuery query(m_fixture->database->connection());
    QVERIFY(query.exec(
        QStringLiteral("UPDATE audit SET time = time - 2 * 86400000 WHERE id < (SELECT MAX(id) "
                       "FROM audit)")));
    page.setPeriod(ui::AuditPage::Period::LastDay);
    QTRY_COMPARE_WITH_TIMEOUT(actions(model), QStringList{QStringLiteral("key.create")},
                              kTimeoutMs);
    page.setPeriod(ui::AuditPage::Period::LastWeek);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 6, kTimeoutMs);
}

void TestAuditPage::scrollingFetchesThePagesBelow() {
    QVERIFY(insertRows(*m_fixture->database, 450));
    ui::AuditPage page(m_fixture->context);
    page.resize(900, 500);
    page.show();
    ui::AuditTableModel &model = *page.model();
    constexpr int kPage = ui::AuditTableModel::kPageSize;
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), kPage, kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(model.canFetchMore({}), kTimeoutMs);
    // The view asks for the next page when it reaches the end.
    QTRY_VERIFY_WITH_TIMEOUT((page.tableView()->scrollToBottom(), model.rowCount() >= 2 * kPage),
                             kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT((page.tableView()->scrollToBottom(), model.rowCount()), 456,
                              kTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!model.isLoading(), kTimeoutMs);
    QVERIFY(!model.canFetchMore({}));
    // No row twice, none missing: ids strictly down, from the newest to the first.
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.entry(row).id < model.entry(row - 1).id);
    QCOMPARE(model.entry(model.rowCount() - 1).action, QStringLiteral("group.create"));
    QCOMPARE(cell(model, 0, ui::AuditTableModel::ObjectColumn), QStringLiteral("bulk450"));
    auto *state = page.findChild<QLabel *>(QStringLiteral("auditState"));
    QVERIFY(state);
    QCOMPARE(state->text(), QStringLiteral("Changes shown: 456"));
}

void TestAuditPage::newRowsAppearOnTop() {
    QVERIFY(insertRows(*m_fixture->database, 300));
    ui::AuditPage page(m_fixture->context);
    page.show();
    ui::AuditTableModel &model = *page.model();
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), ui::AuditTableModel::kPageSize, kTimeoutMs);
    // The view asks for more only when the model can give it (not while a load runs): scroll
    // again until the rest has come, as a user would.
    QTRY_COMPARE_WITH_TIMEOUT((page.tableView()->scrollToBottom(), model.rowCount()), 306,
                              kTimeoutMs);

    // A change made elsewhere: the store watcher tells the page, which reads only what is new.
    QVERIFY(m_fixture->keys().renameKey(QStringLiteral("beta"), QStringLiteral("gamma")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 307, kTimeoutMs);
    QCOMPARE(model.entry(0).action, QStringLiteral("key.rename"));
    QCOMPARE(cell(model, 0, ui::AuditTableModel::ChangesColumn), QStringLiteral("beta → gamma"));
    // "test:setup" is a source this version has no word for: shown as stored.
    QCOMPARE(cell(model, 0, ui::AuditTableModel::SourceColumn), QStringLiteral("test"));
}

void TestAuditPage::emptyStateSaysNothingMatches() {
    ui::AuditPage page(m_fixture->context);
    page.show();
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 6, kTimeoutMs);
    page.setActionFilter(QStringLiteral("key.set_limits"));
    QTRY_VERIFY_WITH_TIMEOUT(page.isEmptyStateShown(), kTimeoutMs);
    auto *empty = page.findChild<QLabel *>(QStringLiteral("auditEmpty"));
    QVERIFY(empty && empty->isVisible());
    QCOMPARE(empty->text(), QStringLiteral("No change matches these filters."));
    page.setActionFilter(QString());
    QTRY_VERIFY_WITH_TIMEOUT(!page.isEmptyStateShown(), kTimeoutMs);
}

void TestAuditPage::keyDetailPanelShowsTheKeysHistory() {
    ui::KeyDetailPanel panel(m_fixture->context);
    panel.resize(600, 1400);
    panel.show();
    auto key = m_fixture->keys().key(m_keyUuid);
    QVERIFY(key.ok());
    panel.showKey(*key);
    auto *history = panel.findChild<ui::HistorySection *>();
    QVERIFY(history);
    QCOMPARE(history->objectUuid(), m_keyUuid);
    QTreeWidget *list = history->list();
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 3, kTimeoutMs);
    QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("Added to group"));
    QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("team"));
    QCOMPARE(list->topLevelItem(1)->text(1), QStringLiteral("bob (Window)"));
    QCOMPARE(list->topLevelItem(1)->text(2), QStringLiteral("Renamed key"));
    QCOMPARE(list->topLevelItem(1)->text(3), QStringLiteral("alpha → beta"));
    QCOMPARE(list->topLevelItem(2)->text(2), QStringLiteral("Created key"));

    // A change to the key shows up in its history.
    QVERIFY(m_fixture->keys().setKeyState(m_keyUuid, store::KeyState::Disabled).ok());
    QTRY_COMPARE_WITH_TIMEOUT(list->topLevelItemCount(), 4, kTimeoutMs);
    QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("Disabled key"));
}

void TestAuditPage::groupsPageShowsTheGroupsHistoryAndShowAllOpensAudit() {
    ui::MainWindow window(m_fixture->context);
    window.show();
    window.setCurrentPage(ui::MainWindow::GroupsPageIndex);
    auto *groups = window.findChild<ui::GroupsPage *>();
    QVERIFY(groups);
    QTRY_VERIFY_WITH_TIMEOUT(groups->selectGroup(m_groupUuid), kTimeoutMs);
    ui::HistorySection *history = nullptr;
    for (auto *section : groups->findChildren<ui::HistorySection *>())
        history = section;
    QVERIFY(history);
    QTRY_COMPARE_WITH_TIMEOUT(history->list()->topLevelItemCount(), 4, kTimeoutMs);
    QCOMPARE(history->list()->topLevelItem(1)->text(2), QStringLiteral("Granted route"));
    QCOMPARE(history->list()->topLevelItem(1)->text(1), QStringLiteral("alice (Command line)"));
    // The keys that joined, or were created in it, are named in the group's history.
    QCOMPARE(history->list()->topLevelItem(2)->text(2), QStringLiteral("Added to group: beta"));

    auto *link = history->findChild<QLabel *>(QStringLiteral("historyShowAll"));
    QVERIFY(link);
    Q_EMIT link->linkActivated(QStringLiteral("audit"));
    QCOMPARE(window.currentPage(), int(ui::MainWindow::AuditPageIndex));
    ui::AuditTableModel &model = *window.auditPage()->model();
    QCOMPARE(model.query().groupRef, m_groupUuid);
    QTRY_COMPARE_WITH_TIMEOUT(
        actions(model),
        (QStringList{QStringLiteral("key.create"), QStringLiteral("group.add_route"),
                     QStringLiteral("key.add_group"), QStringLiteral("group.create")}),
        kTimeoutMs);
}

QTEST_MAIN(TestAuditPage)
#include "test_auditpage.moc"
