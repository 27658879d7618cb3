#include "italiantranslation.h"

#include "config/configmanager.h"
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/names.h"
#include "ui/appcontext.h"
#include "ui/groups/groupspage.h"
#include "ui/messagebox.h"
#include "ui/storeerrortext.h"
#include "ui/storewatcher.h"
#include "ui/translations.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QStyleOptionViewItem>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

const QByteArray kConfig = QByteArrayLiteral("chat_models:\n"
                                             "  - model_id: echo\n"
                                             "    model: mock/echo\n"
                                             "routes:\n"
                                             "  demo:\n"
                                             "    chat_models: [echo]\n"
                                             "  assistant:\n"
                                             "    chat_models: [echo]\n");

} // namespace

// The Groups page driven like a user would: real store and config in a temporary folder, real
// widgets, clicks and key presses; modal boxes answered through MessageBox's seam.
class TestGroupsPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void createValidatesNameInline();
    void nameRulesAreTheStores();
    void storeErrorsInItalian();
    void renameAndDescribeInPlace();
    void deleteAsksAndCancelKeepsTheGroup();
    void deleteConfirmedRemovesTheGroup();
    void membersAddAndRemove();
    void routeChecklistGrantsAndRevokes();
    void grantMissingFromConfigIsMarked();
    void externalChangesReloadKeepingSelection();
    void configChangeUpdatesChecklist();

private:
    void writeConfig(const QByteArray &yaml);
    std::unique_ptr<ui::GroupsPage> makePage();
    QString groupUuid(const QString &name);
    store::GroupRecord group(const QString &ref);
    void clickRowOf(QTableWidget *table, const QString &text);
    QListWidgetItem *routeItem(const QString &route);
    template <typename T> T *child(const char *name) {
        auto *widget = m_page->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no child %s", name);
        return widget;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<config::ConfigManager> m_config;
    std::unique_ptr<ui::StoreWatcher> m_watcher;
    ui::AppContext m_ctx;
    std::unique_ptr<ui::GroupsPage> m_page;
};

void TestGroupsPage::initTestCase() {
    // English plurals ("1 key", "2 keys"), as the app installs them.
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
}

void TestGroupsPage::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto db = store::Database::open(m_dir->filePath(QStringLiteral("portico.db")));
    QVERIFY2(db.ok(), qPrintable(db.error().message));
    m_db = db.value();
    writeConfig(kConfig);
    m_config =
        std::make_shared<config::ConfigManager>(m_dir->filePath(QStringLiteral("config.yaml")));
    QVERIFY(!m_config->lastLoadFailed());
    m_watcher = std::make_unique<ui::StoreWatcher>(m_db);
    m_ctx = ui::AppContext{m_db,
                           m_config,
                           QStringLiteral("test:groups"),
                           [] { return QStringLiteral("http://127.0.0.1:8000"); },
                           m_watcher.get(),
                           nullptr};
}

void TestGroupsPage::cleanup() {
    m_page.reset();
    m_watcher.reset();
    m_config.reset();
    m_db.reset();
    m_dir.reset();
}

void TestGroupsPage::writeConfig(const QByteArray &yaml) {
    QFile file(m_dir->filePath(QStringLiteral("config.yaml")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml);
}

std::unique_ptr<ui::GroupsPage> TestGroupsPage::makePage() {
    auto page = std::make_unique<ui::GroupsPage>(m_ctx);
    page->resize(1100, 700);
    page->show();
    // Active, not only exposed: keyboard shortcuts only reach the active window.
    page->activateWindow();
    if (!QTest::qWaitForWindowActive(page.get()))
        qWarning("groups page not active");
    return page;
}

QString TestGroupsPage::groupUuid(const QString &name) {
    return group(name).uuid;
}

store::GroupRecord TestGroupsPage::group(const QString &ref) {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    auto record = groups.group(ref);
    return record ? record.value() : store::GroupRecord{};
}

void TestGroupsPage::clickRowOf(QTableWidget *table, const QString &text) {
    const auto found = table->findItems(text, Qt::MatchExactly);
    QVERIFY2(!found.isEmpty(), qPrintable(text));
    QTableWidgetItem *item = found.first();
    table->scrollToItem(item);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(item).center());
}

QListWidgetItem *TestGroupsPage::routeItem(const QString &route) {
    auto *list = child<QListWidget>("groupRoutes");
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->data(Qt::UserRole + 1).toString() == route)
            return list->item(i);
    }
    return nullptr;
}

void TestGroupsPage::createValidatesNameInline() {
    m_page = makePage();
    auto *name = child<QLineEdit>("newGroupName");
    auto *description = child<QLineEdit>("newGroupDescription");
    auto *create = child<QPushButton>("createGroupButton");
    auto *error = child<QLabel>("createGroupError");

    QVERIFY(!create->isEnabled());
    QTest::keyClicks(name, QStringLiteral("   "));
    QVERIFY(!create->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("Enter a name")));

    name->clear();
    QTest::keyClicks(name, QStringLiteral("  Platform team "));
    QTest::keyClicks(description, QStringLiteral("Backend services"));
    QVERIFY(create->isEnabled());
    QVERIFY(!error->isVisible());
    QTest::mouseClick(create, Qt::LeftButton);

    const auto created = group(QStringLiteral("Platform team"));
    QCOMPARE(created.name, QStringLiteral("Platform team"));
    QCOMPARE(created.description, QStringLiteral("Backend services"));
    QVERIFY(name->text().isEmpty());
    QCOMPARE(m_page->selectedGroupUuid(), created.uuid);
    QCOMPARE(child<QTableWidget>("groupsTable")->rowCount(), 1);

    // A duplicate is refused as it is typed, before any click.
    QTest::keyClicks(name, QStringLiteral("Platform team"));
    QVERIFY(!create->isEnabled());
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("already exists")));
    QTest::keyClick(name, Qt::Key_Return);
    QCOMPARE(child<QTableWidget>("groupsTable")->rowCount(), 1);

    name->setText(QString(store::kMaxNameLength + 1, u'x'));
    QVERIFY(!create->isEnabled());
    QVERIFY(error->text().contains(QStringLiteral("too long")));
}

// The page checks names with the store's own rules and says the store's reasons in its own
// (translated) words: it refuses exactly what the store refuses, no more and no less.
void TestGroupsPage::nameRulesAreTheStores() {
    m_page = makePage();
    auto *name = child<QLineEdit>("newGroupName");
    auto *create = child<QPushButton>("createGroupButton");
    auto *error = child<QLabel>("createGroupError");

    const QString random(store::apikey::kRandomLength, u'A');
    const QString keyShaped = QStringLiteral("prod ") + QLatin1String(store::apikey::kPrefix) +
                              random + store::apikey::checksumFor(random);
    const QString emoji = QString::fromUtf8("\xF0\x9F\x99\x82"); // one code point, two units
    QString emoji200;
    for (int i = 0; i < store::kMaxNameLength; ++i)
        emoji200 += emoji;
    const QStringList candidates{QStringLiteral("a\u2028b"),
                                 QStringLiteral("a\u2029b"),
                                 QStringLiteral("a\tb"),
                                 keyShaped,
                                 QString(store::kMaxNameLength + 1, u'x'),
                                 emoji200 + emoji,
                                 QString(store::kMaxNameLength, u'x'),
                                 emoji200,
                                 QStringLiteral("  spaced  ")};
    for (const QString &candidate : candidates) {
        name->setText(candidate);
        const auto verdict = store::validateName(candidate, store::Error::Subject::Group);
        QCOMPARE(create->isEnabled(), verdict.ok());
        QCOMPARE(error->isVisible(), !verdict.ok());
        if (!verdict.ok()) {
            QCOMPARE(error->text(), ui::storeErrorText(verdict.error()));
            // The page's words, not the store's English for the command line.
            QVERIFY(error->text() != verdict.error().message);
        }
    }

    name->setText(QStringLiteral("a\u2028b"));
    QVERIFY(!create->isEnabled());
    QCOMPARE(error->text(),
             QStringLiteral("The name cannot contain control characters or line breaks."));
    name->setText(keyShaped);
    QVERIFY(!create->isEnabled());
    QVERIFY(error->text().contains(QStringLiteral("API key")));
    QVERIFY(!error->text().contains(keyShaped));

    // 200 emoji are 200 code points: the store takes them, so the page does too.
    name->setText(emoji200);
    QVERIFY(create->isEnabled());
    create->click();
    QCOMPARE(group(emoji200).name, emoji200);
}

// Under the Italian translation the page says the store's errors in Italian: as typed, and when
// the store itself refuses (another program took the name after the page last read the store).
void TestGroupsPage::storeErrorsInItalian() {
    const test::ItalianTranslation italian;
    QVERIFY(italian.installed());

    m_page = makePage();
    auto *name = child<QLineEdit>("newGroupName");
    auto *create = child<QPushButton>("createGroupButton");
    auto *error = child<QLabel>("createGroupError");

    name->setText(QStringLiteral("a\u2028b"));
    QCOMPARE(error->text(), QStringLiteral("Il nome non può contenere caratteri di controllo né "
                                           "interruzioni di riga."));

    name->setText(QStringLiteral("dup"));
    QVERIFY(create->isEnabled());
    store::GroupStore elsewhere(*m_db, QStringLiteral("test:elsewhere"));
    QVERIFY(elsewhere.createGroup(QStringLiteral("dup")).ok());
    create->click(); // before the page hears of the change: the store refuses
    QCOMPARE(error->text(),
             QStringLiteral("Impossibile creare il gruppo: Esiste già un gruppo di nome «dup»."));

    // Once the page has read the store again it refuses as the name is typed, in Italian too.
    QTRY_VERIFY(!create->isEnabled());
    QCOMPARE(error->text(), QStringLiteral("Esiste già un gruppo di nome «dup»."));
}

void TestGroupsPage::renameAndDescribeInPlace() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("alpha"), QStringLiteral("first")).ok());
    QVERIFY(groups.createGroup(QStringLiteral("beta")).ok());
    const QString alphaUuid = groupUuid(QStringLiteral("alpha"));
    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("alpha"));
    QCOMPARE(m_page->selectedGroupUuid(), alphaUuid);

    auto *nameEdit = child<QLineEdit>("groupNameEdit");
    auto *descriptionEdit = child<QLineEdit>("groupDescriptionEdit");
    auto *save = child<QPushButton>("saveGroupButton");
    // F2 on the list goes to the name, ready to type over.
    auto *table = child<QTableWidget>("groupsTable");
    table->setFocus();
    QTest::keyClick(table, Qt::Key_F2);
    QCOMPARE(m_page->focusWidget(), nameEdit);
    QCOMPARE(nameEdit->selectedText(), QStringLiteral("alpha"));
    QCOMPARE(nameEdit->text(), QStringLiteral("alpha"));
    QCOMPARE(descriptionEdit->text(), QStringLiteral("first"));
    QVERIFY(!save->isEnabled());

    // Renaming onto another group's name is refused inline.
    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("beta"));
    QVERIFY(!save->isEnabled());
    QVERIFY(child<QLabel>("groupNameError")->isVisible());

    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("gamma"));
    descriptionEdit->selectAll();
    QTest::keyClicks(descriptionEdit, QStringLiteral("renamed from alpha"));
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);

    const auto renamed = group(alphaUuid);
    QCOMPARE(renamed.name, QStringLiteral("gamma"));
    QCOMPARE(renamed.description, QStringLiteral("renamed from alpha"));
    QCOMPARE(m_page->selectedGroupUuid(), alphaUuid);
    QVERIFY(!save->isEnabled());
    QVERIFY(!child<QTableWidget>("groupsTable")
                 ->findItems(QStringLiteral("gamma"), Qt::MatchExactly)
                 .isEmpty());
}

void TestGroupsPage::deleteAsksAndCancelKeepsTheGroup() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("ops")).ok());
    QVERIFY(groups.createGroup(QStringLiteral("other")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("assistant")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("other"), QStringLiteral("demo")).ok());
    // "loser" reaches the routes through ops only and loses both; "keeper" keeps demo through
    // other but loses assistant. So two keys lose access.
    QVERIFY(keys.createKey(QStringLiteral("loser"), {QStringLiteral("ops")}).ok());
    QVERIFY(
        keys.createKey(QStringLiteral("keeper"), {QStringLiteral("ops"), QStringLiteral("other")})
            .ok());
    QVERIFY(keys.createKey(QStringLiteral("bystander"), {QStringLiteral("other")}).ok());

    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("ops"));
    const int asked = ui::MessageBox::askedCount();
    ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(child<QPushButton>("deleteGroupButton"), Qt::LeftButton);
    QCOMPARE(ui::MessageBox::askedCount(), asked + 1);
    const QString said = ui::MessageBox::lastText();
    QVERIFY2(said.contains(QStringLiteral("“ops”")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("It grants: assistant, demo.")), qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("2 keys will lose access:\n• assistant: 2 keys\n"
                                          "• demo: 1 key\n")),
             qPrintable(said));
    QVERIFY2(said.contains(QStringLiteral("cannot be undone")), qPrintable(said));

    QVERIFY(!group(QStringLiteral("ops")).uuid.isEmpty());
    QCOMPARE(child<QTableWidget>("groupsTable")->rowCount(), 2);

    // The Delete key asks the same question.
    auto *table = child<QTableWidget>("groupsTable");
    table->setFocus();
    ui::MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::keyClick(table, Qt::Key_Delete);
    QCOMPARE(ui::MessageBox::askedCount(), asked + 2);
    QVERIFY(ui::MessageBox::lastText().contains(QStringLiteral("“ops”")));
    QVERIFY(!group(QStringLiteral("ops")).uuid.isEmpty());
}

void TestGroupsPage::deleteConfirmedRemovesTheGroup() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("ops")).ok());
    QVERIFY(groups.createGroup(QStringLiteral("keep")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("assistant")).ok());
    QVERIFY(keys.createKey(QStringLiteral("k1"), {QStringLiteral("ops")}).ok());
    QVERIFY(keys.createKey(QStringLiteral("k2"), {QStringLiteral("ops")}).ok());

    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("ops"));
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(child<QPushButton>("deleteGroupButton"), Qt::LeftButton);
    const QString said = ui::MessageBox::lastText();
    QVERIFY2(said.contains(QStringLiteral("2 keys will lose access:\n• assistant: 2 keys\n"
                                          "• demo: 2 keys\n")),
             qPrintable(said));

    QVERIFY(group(QStringLiteral("ops")).uuid.isEmpty());
    auto *table = child<QTableWidget>("groupsTable");
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("keep"));
    auto remaining = keys.key(QStringLiteral("k1"));
    QVERIFY(remaining.ok());
    QVERIFY(remaining->groups.isEmpty());
    QVERIFY(m_page->selectedGroupUuid().isEmpty());
}

void TestGroupsPage::membersAddAndRemove() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
    QVERIFY(keys.createKey(QStringLiteral("alice-laptop")).ok());
    QVERIFY(keys.createKey(QStringLiteral("build-server")).ok());

    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("team"));
    auto *combo = child<QComboBox>("addMemberCombo");
    auto *members = child<QTableWidget>("groupMembers");
    QCOMPARE(members->rowCount(), 0);
    QCOMPARE(combo->count(), 2);

    combo->setCurrentIndex(combo->findText(QStringLiteral("build-server")));
    QTest::mouseClick(child<QPushButton>("addMemberButton"), Qt::LeftButton);
    auto team = group(QStringLiteral("team"));
    QCOMPARE(team.keys.size(), 1);
    QCOMPARE(team.keys.first().name, QStringLiteral("build-server"));
    QCOMPARE(members->rowCount(), 1);
    QCOMPARE(combo->count(), 1);
    QCOMPARE(combo->itemText(0), QStringLiteral("alice-laptop"));
    auto *table = child<QTableWidget>("groupsTable");
    QCOMPARE(
        table->item(table->findItems(QStringLiteral("team"), Qt::MatchExactly).first()->row(), 2)
            ->data(Qt::DisplayRole)
            .toInt(),
        1);

    QTest::mouseClick(child<QPushButton>("addMemberButton"), Qt::LeftButton);
    QCOMPARE(group(QStringLiteral("team")).keys.size(), 2);
    QVERIFY(!combo->isEnabled());
    QVERIFY(!child<QPushButton>("addMemberButton")->isEnabled());

    auto *remove = child<QPushButton>("removeMemberButton");
    QVERIFY(!remove->isEnabled());
    clickRowOf(members, QStringLiteral("alice-laptop"));
    QVERIFY(remove->isEnabled());
    QTest::mouseClick(remove, Qt::LeftButton);
    team = group(QStringLiteral("team"));
    QCOMPARE(team.keys.size(), 1);
    QCOMPARE(team.keys.first().name, QStringLiteral("build-server"));
    QCOMPARE(members->rowCount(), 1);
    QCOMPARE(combo->count(), 1);
    // The key itself stays: only its membership went.
    QVERIFY(keys.key(QStringLiteral("alice-laptop")).ok());
}

void TestGroupsPage::routeChecklistGrantsAndRevokes() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("team"));

    auto *list = child<QListWidget>("groupRoutes");
    QCOMPARE(list->count(), 2);
    QVERIFY(routeItem(QStringLiteral("demo")));
    QCOMPARE(routeItem(QStringLiteral("demo"))->checkState(), Qt::Unchecked);
    QCOMPARE(routeItem(QStringLiteral("assistant"))->checkState(), Qt::Unchecked);

    // Keyboard: select the row and press Space, as a user without a mouse would.
    list->setFocus();
    list->setCurrentItem(routeItem(QStringLiteral("demo")));
    QTest::keyClick(list, Qt::Key_Space);
    QCOMPARE(group(QStringLiteral("team")).routes, QStringList{QStringLiteral("demo")});
    QCOMPARE(routeItem(QStringLiteral("demo"))->checkState(), Qt::Checked);

    // Mouse: a click on the check box, wherever the style draws it.
    QListWidgetItem *assistant = routeItem(QStringLiteral("assistant"));
    QStyleOptionViewItem option;
    option.initFrom(list->viewport());
    option.rect = list->visualItemRect(assistant);
    option.features = QStyleOptionViewItem::HasCheckIndicator | QStyleOptionViewItem::HasDisplay;
    option.text = assistant->text();
    const QRect box =
        list->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, list);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, box.center());
    QCOMPARE(group(QStringLiteral("team")).routes,
             (QStringList{QStringLiteral("assistant"), QStringLiteral("demo")}));

    list->setCurrentItem(routeItem(QStringLiteral("demo")));
    QTest::keyClick(list, Qt::Key_Space);
    QCOMPARE(group(QStringLiteral("team")).routes, QStringList{QStringLiteral("assistant")});
    QCOMPARE(routeItem(QStringLiteral("demo"))->checkState(), Qt::Unchecked);
    QCOMPARE(routeItem(QStringLiteral("assistant"))->checkState(), Qt::Checked);
}

void TestGroupsPage::grantMissingFromConfigIsMarked() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("legacy")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("legacy"), QStringLiteral("old-route")).ok());
    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("legacy"));

    QCOMPARE(child<QListWidget>("groupRoutes")->count(), 3);
    QListWidgetItem *missing = routeItem(QStringLiteral("old-route"));
    QVERIFY(missing);
    QCOMPARE(missing->checkState(), Qt::Checked);
    QVERIFY(missing->text().contains(QStringLiteral("missing from config.yaml")));
    QVERIFY(!routeItem(QStringLiteral("demo"))->text().contains(QStringLiteral("missing")));

    // Unticking drops the stale grant; the route then leaves the list.
    missing->setCheckState(Qt::Unchecked);
    QVERIFY(group(QStringLiteral("legacy")).routes.isEmpty());
    QCOMPARE(child<QListWidget>("groupRoutes")->count(), 2);
    QVERIFY(!routeItem(QStringLiteral("old-route")));
}

void TestGroupsPage::externalChangesReloadKeepingSelection() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("b-team")).ok());
    m_page = makePage();
    auto *table = child<QTableWidget>("groupsTable");
    clickRowOf(table, QStringLiteral("b-team"));
    const QString selected = m_page->selectedGroupUuid();
    QVERIFY(!selected.isEmpty());

    // Another writer (here another connection in a worker thread's place: a store object the
    // page does not know) adds a group sorted before the selected one and a key to it.
    store::GroupStore other(*m_db, QStringLiteral("cli:someone"));
    QVERIFY(other.createGroup(QStringLiteral("a-team")).ok());
    store::KeyStore keys(*m_db, QStringLiteral("cli:someone"));
    QVERIFY(keys.createKey(QStringLiteral("fresh"), {QStringLiteral("b-team")}).ok());
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(child<QTableWidget>("groupMembers")->rowCount(), 1, 5000);
    QCOMPARE(m_page->selectedGroupUuid(), selected);
    QCOMPARE(child<QLineEdit>("groupNameEdit")->text(), QStringLiteral("b-team"));

    // An edit in progress survives a reload caused by someone else.
    auto *nameEdit = child<QLineEdit>("groupNameEdit");
    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("half-typed"));
    QVERIFY(other.createGroup(QStringLiteral("c-team")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 3, 5000);
    QCOMPARE(nameEdit->text(), QStringLiteral("half-typed"));
    QCOMPARE(m_page->selectedGroupUuid(), selected);
}

void TestGroupsPage::configChangeUpdatesChecklist() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("team"), QStringLiteral("assistant")).ok());
    m_page = makePage();
    clickRowOf(child<QTableWidget>("groupsTable"), QStringLiteral("team"));
    QCOMPARE(child<QListWidget>("groupRoutes")->count(), 2);

    writeConfig(QByteArrayLiteral("chat_models:\n"
                                  "  - model_id: echo\n"
                                  "    model: mock/echo\n"
                                  "routes:\n"
                                  "  demo:\n"
                                  "    chat_models: [echo]\n"
                                  "  summarize:\n"
                                  "    chat_models: [echo]\n"));
    QVERIFY(m_config->reload());
    QCOMPARE(child<QListWidget>("groupRoutes")->count(), 3);
    QVERIFY(routeItem(QStringLiteral("summarize")));
    QVERIFY(routeItem(QStringLiteral("assistant"))->text().contains(QStringLiteral("missing")));
    QCOMPARE(routeItem(QStringLiteral("assistant"))->checkState(), Qt::Checked);
    QCOMPARE(m_page->selectedGroupUuid(), groupUuid(QStringLiteral("team")));
}

QTEST_MAIN(TestGroupsPage)
#include "test_groupspage.moc"
