// The Keys page clicked through like a user: create key, one-time display, copy, add to group,
// remove from group, rename in place, enable/disable, delete, search and filter, live data.
#include "italiantranslation.h"
#include "testsupport.h"

#include "store/apikeyformat.h"
#include "ui/keys/addtogroupdialog.h"
#include "ui/keys/createkeydialog.h"
#include "ui/keys/keyactionsdelegate.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keysfilterproxymodel.h"
#include "ui/keys/keyspage.h"
#include "ui/keys/keystablemodel.h"
#include "ui/keys/onetimekeydialog.h"
#include "ui/keys/secretclipboard.h"
#include "ui/messagebox.h"

#include <QClipboard>
#include <QComboBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTableWidget>

using namespace portico;
using test::findWidget;
using ui::MessageBox;

class TestKeysPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void emptyStateSaysHowToStart();
    void createKeyShowsItOnceAndCopies();
    void closingWithoutCopyingAsks();
    void createValidatesNameInline();
    void examplesUseGatewayAddressAndRoute();
    void secretClipboardIsMarkedAndCleared();
    void addToGroupUpdatesRoutes();
    void removeFromGroup();
    void missingRouteIsMarked();
    void renameInPlace();
    void renameRefusedInItalian();
    void enableDisable();
    void deleteAsksWithWarnings();
    void actionsColumnButtons();
    void searchAndGroupFilter();
    void liveDataKeepsSelection();
    void liveDataFromCommandLine();

private:
    ui::KeysPage *makePage();
    // Opens the create dialog, fills it and clicks Create; returns the one-time dialog.
    ui::OneTimeKeyDialog *createThroughUi(const QString &name, const QStringList &groupNames = {});

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::unique_ptr<ui::KeysPage> m_page;
};

void TestKeysPage::initTestCase() {
    test::isolateSettings(m_settingsDir);
}

void TestKeysPage::init() {
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestKeysPage::cleanup() {
    m_page.reset();
    m_fixture.reset();
}

ui::KeysPage *TestKeysPage::makePage() {
    m_page = std::make_unique<ui::KeysPage>(m_fixture->context);
    m_page->resize(1200, 700);
    m_page->show();
    if (!QTest::qWaitForWindowExposed(m_page.get()))
        return nullptr;
    return m_page.get();
}

ui::OneTimeKeyDialog *TestKeysPage::createThroughUi(const QString &name,
                                                    const QStringList &groupNames) {
    auto *create = findWidget<QPushButton>(QStringLiteral("createKeyButton"), m_page.get());
    if (!create)
        return nullptr;
    QTest::mouseClick(create, Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::CreateKeyDialog *>();
    if (!dialog || !dialog->isVisible())
        return nullptr;
    auto *nameEdit = dialog->findChild<QLineEdit *>(QStringLiteral("keyNameEdit"));
    QTest::keyClicks(nameEdit, name);
    auto *groups = dialog->findChild<QListWidget *>(QStringLiteral("keyGroupsList"));
    for (const QString &groupName : groupNames) {
        const auto items = groups->findItems(groupName, Qt::MatchExactly);
        if (items.size() != 1)
            return nullptr;
        items.first()->setCheckState(Qt::Checked);
    }
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("createButton")),
                      Qt::LeftButton);
    if (dialog->isVisible())
        return nullptr;
    auto *oneTime = m_page->findChild<ui::OneTimeKeyDialog *>();
    return oneTime && oneTime->isVisible() ? oneTime : nullptr;
}

void TestKeysPage::emptyStateSaysHowToStart() {
    QVERIFY(makePage());
    auto *label = findWidget<QLabel>(QStringLiteral("emptyStateLabel"), m_page.get());
    QVERIFY(label);
    QVERIFY(label->isVisible());
    QCOMPARE(label->text(),
             QStringLiteral("No API keys yet. Click Create Key to make the first one."));
    QVERIFY(!m_page->table()->isVisible());

    m_fixture->createKey(QStringLiteral("first"));
    QTRY_VERIFY(m_page->table()->isVisible());
    QVERIFY(!label->isVisible());
}

void TestKeysPage::createKeyShowsItOnceAndCopies() {
    const QString group = m_fixture->createGroup(QStringLiteral("apps"), {QStringLiteral("demo")});
    QVERIFY(makePage());
    const int asked = MessageBox::askedCount();

    auto *oneTime =
        createThroughUi(QStringLiteral("  Production App Key  "), {QStringLiteral("apps")});
    QVERIFY(oneTime);
    auto *keyEdit = oneTime->findChild<QLineEdit *>(QStringLiteral("keyValueEdit"));
    QVERIFY(keyEdit->isReadOnly());
    const QString key = keyEdit->text();
    QVERIFY(store::apikey::hasValidFormat(key));
    auto *warning = oneTime->findChild<QLabel *>(QStringLiteral("oneTimeWarningText"));
    QVERIFY(warning->text().contains(
        QStringLiteral("Save this key now. It is shown only once and cannot be retrieved later.")));

    // The store has the key (trimmed name, in the group) and only its hint.
    auto stored = m_fixture->keys().key(QStringLiteral("Production App Key"));
    QVERIFY(stored.ok());
    QCOMPARE(stored->groups.size(), 1);
    QCOMPARE(stored->groups.first().uuid, group);
    QVERIFY(stored->hint == store::apikey::hint(key));
    QVERIFY(!stored->hint.contains(key.mid(4, 20)));

    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("copyKeyButton")),
                      Qt::LeftButton);
    QVERIFY(oneTime->keyWasCopied());
    QVERIFY(QGuiApplication::clipboard()->text() == key);
    const QMimeData *mime = QGuiApplication::clipboard()->mimeData();
    QVERIFY(mime);
    QCOMPARE(mime->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArrayLiteral("secret"));

    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
    QCOMPARE(MessageBox::askedCount(), asked); // copied: no question
    QTRY_VERIFY(!m_page->findChild<ui::OneTimeKeyDialog *>());

    // The new key is in the table, selected, with its details beside it.
    QCOMPARE(m_page->model()->rowCount(), 1);
    QCOMPARE(m_page->selectedKeyUuid(), stored->uuid);
    auto *title = findWidget<QLabel>(QStringLiteral("detailTitle"), m_page.get());
    QCOMPARE(title->text(), QStringLiteral("Production App Key"));
    auto *hint = findWidget<QLabel>(QStringLiteral("detailHint"), m_page.get());
    QVERIFY(hint->text() == stored->hint);
    QGuiApplication::clipboard()->clear();
}

void TestKeysPage::closingWithoutCopyingAsks() {
    QVERIFY(makePage());
    auto *oneTime = createThroughUi(QStringLiteral("uncopied"));
    QVERIFY(oneTime);
    const int asked = MessageBox::askedCount();

    MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::keyClick(oneTime, Qt::Key_Escape);
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(MessageBox::lastText().contains(QStringLiteral("not copied")));
    QVERIFY(oneTime->isVisible());

    MessageBox::setNextAnswer(QMessageBox::Close);
    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
    QCOMPARE(MessageBox::askedCount(), asked + 2);
    QTRY_VERIFY(!m_page->findChild<ui::OneTimeKeyDialog *>());
}

void TestKeysPage::createValidatesNameInline() {
    m_fixture->createKey(QStringLiteral("taken"));
    QVERIFY(makePage());
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("createKeyButton"), m_page.get()),
                      Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::CreateKeyDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("keyNameEdit"));
    auto *error = dialog->findChild<QLabel *>(QStringLiteral("keyNameError"));
    auto *create = dialog->findChild<QPushButton *>(QStringLiteral("createButton"));
    QVERIFY(!create->isEnabled());
    QVERIFY(!error->isVisible()); // no scolding before the user typed

    QTest::keyClicks(name, QStringLiteral("   "));
    QVERIFY(!create->isEnabled());
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), QStringLiteral("A name is required."));

    name->clear();
    QTest::keyClicks(name, QStringLiteral(" taken "));
    QVERIFY(create->isEnabled());
    QVERIFY(!error->isVisible());
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(dialog->isVisible()); // refused: stays open with the store's message
    QVERIFY(error->isVisible());
    QVERIFY(error->text().contains(QStringLiteral("taken")));
    QCOMPARE(m_fixture->keys().listKeys()->size(), 1);

    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!m_page->findChild<ui::CreateKeyDialog *>());
    QVERIFY(!m_page->findChild<ui::OneTimeKeyDialog *>());
}

void TestKeysPage::examplesUseGatewayAddressAndRoute() {
    m_fixture->createGroup(QStringLiteral("assist"), {QStringLiteral("assistant")});
    m_fixture->context.gatewayBaseUrl = [] { return QStringLiteral("http://127.0.0.1:8123"); };
    QVERIFY(makePage());
    auto *oneTime = createThroughUi(QStringLiteral("examples"), {QStringLiteral("assist")});
    QVERIFY(oneTime);
    const QString key = oneTime->findChild<QLineEdit *>(QStringLiteral("keyValueEdit"))->text();

    const auto curl = oneTime->findChild<QPlainTextEdit *>(QStringLiteral("curlExample"));
    const auto python = oneTime->findChild<QPlainTextEdit *>(QStringLiteral("pythonExample"));
    const auto js = oneTime->findChild<QPlainTextEdit *>(QStringLiteral("javascriptExample"));
    QVERIFY(curl && python && js);
    QVERIFY(curl->toPlainText().contains(QStringLiteral("Authorization: Bearer ") + key));
    QVERIFY(
        curl->toPlainText().contains(QStringLiteral("http://127.0.0.1:8123/v1/chat/completions")));
    QVERIFY(curl->toPlainText().contains(QStringLiteral("\"model\": \"assistant\"")));
    QVERIFY(python->toPlainText().contains(QStringLiteral("api_key=\"") + key + u'"'));
    QVERIFY(
        python->toPlainText().contains(QStringLiteral("base_url=\"http://127.0.0.1:8123/v1\"")));
    QVERIFY(js->toPlainText().contains(QStringLiteral("'Authorization': 'Bearer ") + key));
    QVERIFY(js->toPlainText().contains(QStringLiteral("model: 'assistant'")));

    // Copying an example counts as copying the key.
    auto *copyPython = oneTime->findChild<QPushButton *>(QStringLiteral("pythonExampleCopy"));
    QVERIFY(copyPython);
    QMetaObject::invokeMethod(copyPython, &QPushButton::click);
    QVERIFY(QGuiApplication::clipboard()->text() == python->toPlainText());
    QVERIFY(oneTime->keyWasCopied());
    oneTime->accept();
    QTRY_VERIFY(!m_page->findChild<ui::OneTimeKeyDialog *>());

    // Gateway stopped, key in no group: the fallbacks.
    m_fixture->context.gatewayBaseUrl = [] { return QString(); };
    oneTime = createThroughUi(QStringLiteral("no group"));
    QVERIFY(oneTime);
    const QString example =
        oneTime->findChild<QPlainTextEdit *>(QStringLiteral("curlExample"))->toPlainText();
    QVERIFY(example.contains(QStringLiteral("http://127.0.0.1:8000/v1/chat/completions")));
    QVERIFY(example.contains(QStringLiteral("\"model\": \"demo\"")));
    MessageBox::setNextAnswer(QMessageBox::Close);
    oneTime->reject();
    QTRY_VERIFY(!m_page->findChild<ui::OneTimeKeyDialog *>());
    QGuiApplication::clipboard()->clear();
}

void TestKeysPage::secretClipboardIsMarkedAndCleared() {
    const QString secret = store::apikey::generate();
    ui::SecretClipboard::copy(secret, 200);
    QVERIFY(QGuiApplication::clipboard()->text() == secret);
    QTRY_VERIFY_WITH_TIMEOUT(QGuiApplication::clipboard()->text().isEmpty(), 5000);

    // Something else copied meanwhile is left alone.
    ui::SecretClipboard::copy(secret, 200);
    QGuiApplication::clipboard()->setText(QStringLiteral("unrelated"));
    // Proving that the clipboard is left alone needs time to pass: twice the 200 ms after which
    // the secret would have been cleared.
    QTest::qWait(400);
    QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("unrelated"));
    QGuiApplication::clipboard()->clear();
}

void TestKeysPage::addToGroupUpdatesRoutes() {
    const QString key = m_fixture->createKey(QStringLiteral("worker"));
    const QString member = m_fixture->createGroup(QStringLiteral("already"), {});
    m_fixture->keys().addKeyToGroup(key, member);
    m_fixture->createGroup(QStringLiteral("chat team"),
                           {QStringLiteral("demo"), QStringLiteral("assistant")});
    m_fixture->createGroup(QStringLiteral("other"), {});
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));

    auto *routes = findWidget<QTableWidget>(QStringLiteral("routesTable"), m_page.get());
    QVERIFY(!routes->isVisible());
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("addToGroupButton"), m_page.get()),
                      Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::AddToGroupDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    auto *list = dialog->findChild<QListWidget *>(QStringLiteral("candidateGroupsList"));
    QStringList offered;
    for (int i = 0; i < list->count(); ++i)
        offered.append(list->item(i)->text());
    QCOMPARE(offered, (QStringList{QStringLiteral("chat team"), QStringLiteral("other")}));

    auto *confirm = dialog->findChild<QPushButton *>(QStringLiteral("confirmButton"));
    QVERIFY(!confirm->isEnabled());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("groupSearchEdit")),
                     QStringLiteral("CHAT"));
    QVERIFY(!list->item(0)->isHidden());
    QVERIFY(list->item(1)->isHidden());
    list->setCurrentRow(0);
    QVERIFY(confirm->isEnabled());
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("candidateRoutesLabel"))
                ->text()
                .contains(QStringLiteral("assistant")));
    QTest::mouseClick(confirm, Qt::LeftButton);
    QTRY_VERIFY(!m_page->findChild<ui::AddToGroupDialog *>());

    // At once, without waiting for a reload.
    QVERIFY(routes->isVisible());
    QCOMPARE(routes->rowCount(), 2);
    QSet<QString> granted;
    for (int row = 0; row < routes->rowCount(); ++row) {
        QCOMPARE(routes->item(row, 1)->text(), QStringLiteral("chat team"));
        granted.insert(routes->item(row, 0)->text());
    }
    QCOMPARE(granted, (QSet<QString>{QStringLiteral("demo"), QStringLiteral("assistant")}));
    auto *groups = findWidget<QTableWidget>(QStringLiteral("groupsTable"), m_page.get());
    QCOMPARE(groups->rowCount(), 2);
    QCOMPARE(m_fixture->keys().key(key)->groups.size(), 2);
    // And the table's count follows.
    const int row = m_page->model()->rowOfUuid(key);
    QTRY_COMPARE(m_page->model()
                     ->index(m_page->model()->rowOfUuid(key), ui::KeysTableModel::RoutesColumn)
                     .data(ui::KeysTableModel::RawValueRole)
                     .toInt(),
                 2);
    Q_UNUSED(row)

    // Cancel changes nothing.
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("addToGroupButton"), m_page.get()),
                      Qt::LeftButton);
    dialog = m_page->findChild<ui::AddToGroupDialog *>();
    QVERIFY(dialog);
    list = dialog->findChild<QListWidget *>(QStringLiteral("candidateGroupsList"));
    QCOMPARE(list->count(), 1);
    list->setCurrentRow(0);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("cancelButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!m_page->findChild<ui::AddToGroupDialog *>());
    QCOMPARE(m_fixture->keys().key(key)->groups.size(), 2);
}

void TestKeysPage::removeFromGroup() {
    const QString group = m_fixture->createGroup(QStringLiteral("team"), {QStringLiteral("demo")});
    const QString key = m_fixture->createKey(QStringLiteral("member"), {group});
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));
    auto *groups = findWidget<QTableWidget>(QStringLiteral("groupsTable"), m_page.get());
    auto *routes = findWidget<QTableWidget>(QStringLiteral("routesTable"), m_page.get());
    QCOMPARE(groups->rowCount(), 1);
    QCOMPARE(groups->item(0, 0)->text(), QStringLiteral("team"));
    QCOMPARE(groups->item(0, 1)->text(), group);
    QCOMPARE(routes->rowCount(), 1);

    auto *remove =
        findWidget<QPushButton>(QStringLiteral("removeGroupButton_") + group, m_page.get());
    QVERIFY(remove);
    QTest::mouseClick(remove, Qt::LeftButton);
    QTRY_VERIFY(!groups->isVisible());
    QVERIFY(findWidget<QLabel>(QStringLiteral("noGroupsLabel"), m_page.get())->isVisible());
    QVERIFY(!routes->isVisible());
    QVERIFY(m_fixture->keys().key(key)->groups.isEmpty());
}

void TestKeysPage::missingRouteIsMarked() {
    const QString group = m_fixture->createGroup(
        QStringLiteral("legacy"), {QStringLiteral("demo"), QStringLiteral("retired-route")});
    const QString key = m_fixture->createKey(QStringLiteral("old"), {group});
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));
    auto *routes = findWidget<QTableWidget>(QStringLiteral("routesTable"), m_page.get());
    QCOMPARE(routes->rowCount(), 2);
    for (int row = 0; row < routes->rowCount(); ++row) {
        const bool retired = routes->item(row, 0)->text() == QStringLiteral("retired-route");
        auto *status = routes->item(row, 2);
        QCOMPARE(status->data(Qt::UserRole).toBool(), retired);
        QCOMPARE(status->text().contains(QStringLiteral("Missing from config.yaml")), retired);
        QCOMPARE(!status->icon().isNull(), retired);
        QCOMPARE(status->toolTip().contains(QStringLiteral("config.yaml")), retired);
    }
}

void TestKeysPage::renameInPlace() {
    const QString key = m_fixture->createKey(QStringLiteral("before"));
    m_fixture->createKey(QStringLiteral("other key"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));
    auto *name = findWidget<QLabel>(QStringLiteral("detailName"), m_page.get());
    auto *edit = findWidget<QLineEdit>(QStringLiteral("renameEdit"), m_page.get());
    auto *error = findWidget<QLabel>(QStringLiteral("renameError"), m_page.get());
    QVERIFY(!edit->isVisible());

    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("renameButton"), m_page.get()),
                      Qt::LeftButton);
    QVERIFY(edit->isVisible());
    QCOMPARE(edit->text(), QStringLiteral("before"));

    // A duplicate is refused inline; the editor stays open.
    edit->selectAll();
    QTest::keyClicks(edit, QStringLiteral("other key"));
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(edit->isVisible());
    QVERIFY(error->isVisible());
    QVERIFY(!error->text().isEmpty());
    QCOMPARE(m_fixture->keys().key(key)->name, QStringLiteral("before"));

    // Esc cancels.
    QTest::keyClick(edit, Qt::Key_Escape);
    QVERIFY(!edit->isVisible());
    QVERIFY(!error->isVisible());
    QCOMPARE(name->text(), QStringLiteral("before"));

    // Enter saves; a reload meanwhile does not eat the typing.
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("renameButton"), m_page.get()),
                      Qt::LeftButton);
    edit->selectAll();
    QTest::keyClicks(edit, QStringLiteral("  after  "));
    m_page->reload();
    QVERIFY(edit->isVisible());
    QCOMPARE(edit->text(), QStringLiteral("  after  "));
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(!edit->isVisible());
    QCOMPARE(name->text(), QStringLiteral("after"));
    QCOMPARE(m_fixture->keys().key(key)->name, QStringLiteral("after"));
    QTRY_COMPARE(m_page->model()
                     ->index(m_page->model()->rowOfUuid(key), ui::KeysTableModel::NameColumn)
                     .data()
                     .toString(),
                 QStringLiteral("after"));
    QCOMPARE(m_page->selectedKeyUuid(), key);
}

// The store's refusal of a rename, said in the user's language.
void TestKeysPage::renameRefusedInItalian() {
    const test::ItalianTranslation italian;
    QVERIFY(italian.installed());

    const QString key = m_fixture->createKey(QStringLiteral("before"));
    m_fixture->createKey(QStringLiteral("other key"));
    QVERIFY(makePage());
    // The detail panel's rename goes to the store at once: the refusal is the store's.
    QVERIFY(m_page->selectKey(key));
    findWidget<QPushButton>(QStringLiteral("renameButton"), m_page.get())->click();
    auto *edit = findWidget<QLineEdit>(QStringLiteral("renameEdit"), m_page.get());
    edit->setText(QStringLiteral("other key"));
    QTest::keyClick(edit, Qt::Key_Return);
    auto *error = findWidget<QLabel>(QStringLiteral("renameError"), m_page.get());
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), QStringLiteral("Esiste già una chiave di nome «other key»."));

    edit->setText(QStringLiteral("a\u2028b")); // no key types a line separator
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(error->text(), QStringLiteral("Il nome non può contenere caratteri di controllo né "
                                           "interruzioni di riga."));
    QCOMPARE(m_fixture->keys().key(key)->name, QStringLiteral("before"));
}

void TestKeysPage::enableDisable() {
    const QString key = m_fixture->createKey(QStringLiteral("toggle"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));
    auto *button = findWidget<QPushButton>(QStringLiteral("stateButton"), m_page.get());
    auto *state = findWidget<QLabel>(QStringLiteral("detailState"), m_page.get());
    QCOMPARE(state->text(), QStringLiteral("Active"));
    QCOMPARE(button->text(), QStringLiteral("Disable"));

    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(m_fixture->keys().key(key)->state == store::KeyState::Disabled);
    QVERIFY(state->text().startsWith(QStringLiteral("Disabled")));
    QCOMPARE(button->text(), QStringLiteral("Enable"));

    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(m_fixture->keys().key(key)->state == store::KeyState::Active);
    QCOMPARE(state->text(), QStringLiteral("Active"));
}

void TestKeysPage::deleteAsksWithWarnings() {
    const QString group = m_fixture->createGroup(QStringLiteral("g"), {QStringLiteral("demo")});
    const QString key = m_fixture->createKey(QStringLiteral("doomed"), {group});
    m_fixture->createKey(QStringLiteral("survivor"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(key));
    auto *deleteButton = findWidget<QPushButton>(QStringLiteral("deleteKeyButton"), m_page.get());

    MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    const QString warning = MessageBox::lastText();
    QVERIFY(warning.contains(QStringLiteral("doomed")));
    QVERIFY(warning.contains(QStringLiteral("irreversible")));
    QVERIFY(warning.contains(QStringLiteral("removes the key from all groups")));
    QVERIFY(warning.contains(QStringLiteral("immediately invalidates all future requests")));
    QVERIFY(warning.contains(QStringLiteral("Historical metrics remain available")));
    QVERIFY(m_fixture->keys().key(key).ok());
    QCOMPARE(m_page->selectedKeyUuid(), key);

    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QVERIFY(!m_fixture->keys().key(key).ok());
    QCOMPARE(m_page->model()->rowCount(), 1);
    QVERIFY(m_page->selectedKeyUuid().isEmpty());
    QVERIFY(findWidget<QLabel>(QStringLiteral("detailPlaceholder"), m_page.get())->isVisible());
    QVERIFY(m_fixture->groups().group(group)->keys.isEmpty());
}

void TestKeysPage::actionsColumnButtons() {
    const QString key = m_fixture->createKey(QStringLiteral("row actions"));
    QVERIFY(makePage());
    QTableView *table = m_page->table();
    auto *delegate = qobject_cast<ui::KeyActionsDelegate *>(
        table->itemDelegateForColumn(ui::KeysTableModel::ActionsColumn));
    QVERIFY(delegate);
    const QModelIndex cell = m_page->proxy()->index(0, ui::KeysTableModel::ActionsColumn);
    QStyleOptionViewItem option;
    option.initFrom(table->viewport());
    option.rect = table->visualRect(cell);
    auto click = [&](ui::KeyActionsDelegate::Action action) {
        const QPoint point = delegate->buttonRect(option, action).center();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, point);
    };

    click(ui::KeyActionsDelegate::Action::View);
    QCOMPARE(m_page->selectedKeyUuid(), key);
    QVERIFY(findWidget<QLabel>(QStringLiteral("detailTitle"), m_page.get())->isVisible());

    click(ui::KeyActionsDelegate::Action::Edit);
    QVERIFY(findWidget<QLineEdit>(QStringLiteral("renameEdit"), m_page.get())->isVisible());
    QTest::keyClick(findWidget<QLineEdit>(QStringLiteral("renameEdit"), m_page.get()),
                    Qt::Key_Escape);

    MessageBox::setNextAnswer(QMessageBox::Cancel);
    const int asked = MessageBox::askedCount();
    click(ui::KeyActionsDelegate::Action::Delete);
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(m_fixture->keys().key(key).ok());
    MessageBox::setNextAnswer(QMessageBox::Yes);
    click(ui::KeyActionsDelegate::Action::Delete);
    QVERIFY(!m_fixture->keys().key(key).ok());
    QTRY_VERIFY(findWidget<QLabel>(QStringLiteral("emptyStateLabel"), m_page.get())->isVisible());
}

void TestKeysPage::searchAndGroupFilter() {
    const QString prod = m_fixture->createGroup(QStringLiteral("production"));
    const QString prodKey = m_fixture->createKey(QStringLiteral("Production App Key"), {prod});
    m_fixture->createKey(QStringLiteral("staging app"));
    m_fixture->createKey(QStringLiteral("laptop"));
    QVERIFY(makePage());
    auto *search = findWidget<QLineEdit>(QStringLiteral("keySearchEdit"), m_page.get());
    auto *combo = findWidget<QComboBox>(QStringLiteral("groupFilterCombo"), m_page.get());
    auto *count = findWidget<QLabel>(QStringLiteral("keyCountLabel"), m_page.get());
    QCOMPARE(m_page->proxy()->rowCount(), 3);
    QCOMPARE(count->text(), QStringLiteral("3 keys"));

    QTest::keyClicks(search, QStringLiteral("APP"));
    QCOMPARE(m_page->proxy()->rowCount(), 2);
    QCOMPARE(count->text(), QStringLiteral("2 of 3 keys"));
    search->clear();
    QTest::keyClicks(search, prodKey.left(8));
    QCOMPARE(m_page->proxy()->rowCount(), 1);
    search->clear();

    QCOMPARE(combo->count(), 2); // All groups + production
    combo->setCurrentIndex(combo->findData(prod));
    QCOMPARE(m_page->proxy()->rowCount(), 1);
    QCOMPARE(m_page->proxy()->index(0, 0).data(ui::KeysTableModel::UuidRole).toString(), prodKey);

    QTest::keyClicks(search, QStringLiteral("laptop"));
    QCOMPARE(m_page->proxy()->rowCount(), 0);
    auto *noMatch = findWidget<QLabel>(QStringLiteral("noMatchLabel"), m_page.get());
    QVERIFY(noMatch->isVisible());
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("clearFiltersButton"), m_page.get()),
                      Qt::LeftButton);
    QCOMPARE(m_page->proxy()->rowCount(), 3);
    QCOMPARE(combo->currentIndex(), 0);
    QVERIFY(search->text().isEmpty());
}

void TestKeysPage::liveDataKeepsSelection() {
    const QString kept = m_fixture->createKey(QStringLiteral("kept"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(kept));

    // Another "process": a second Database on the same file. Its changes only show in the
    // committed change counter, which the window polls.
    auto other = store::Database::open(m_fixture->database->path());
    QVERIFY(other.ok());
    store::KeyStore otherKeys(*other.value(), QStringLiteral("cli:other"));
    auto created = otherKeys.createKey(QStringLiteral("from elsewhere"));
    QVERIFY(created.ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOfUuid(created->record.uuid) >= 0, 3000);
    QCOMPARE(m_page->selectedKeyUuid(), kept);

    QVERIFY(otherKeys.renameKey(kept, QStringLiteral("kept, renamed")).ok());
    auto *title = findWidget<QLabel>(QStringLiteral("detailTitle"), m_page.get());
    QTRY_COMPARE_WITH_TIMEOUT(title->text(), QStringLiteral("kept, renamed"), 3000);
    QCOMPARE(m_page->selectedKeyUuid(), kept);

    QVERIFY(otherKeys.deleteKey(kept).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_page->model()->rowOfUuid(kept) < 0, 3000);
    QVERIFY(m_page->selectedKeyUuid().isEmpty());
}

void TestKeysPage::liveDataFromCommandLine() {
    const QString cli = QStringLiteral(PORTICO_BINARY_DIR "/app/portico-gateway/portico-gateway");
    if (!QFileInfo::exists(cli))
        QSKIP("portico-gateway is not built");
    const QString kept = m_fixture->createKey(QStringLiteral("selected"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(kept));

    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(cli, {QStringLiteral("keys"), QStringLiteral("create"),
                        QStringLiteral("made in a terminal"), QStringLiteral("--db"),
                        m_fixture->database->path()});
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    process.readAllStandardOutput(); // the key: read and dropped, never printed

    auto *model = m_page->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() == 2, 3000);
    QCOMPARE(m_page->selectedKeyUuid(), kept);
}

QTEST_MAIN(TestKeysPage)
#include "test_keys_page.moc"
