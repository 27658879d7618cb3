// File → Open Store: the dialog says which store was chosen (a file, or a PostgreSQL URI that
// never holds the password), the window shows the store it is on, and the pages hear of changes
// made by another process: by NOTIFY on PostgreSQL (this test's PostgreSQL variant), by polling
// on SQLite. The dialog offers to keep the password in the system keychain, and says when there is
// none (here, as in CI: test::isolateKeychain(); test_storepasswords has a real one too).

#include "testsupport.h"

#include "store/keystore.h"
#include "ui/mainwindow.h"
#include "ui/store/openstoredialog.h"
#include "ui/storewatcher.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace portico;

class TestOpenStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        test::isolateSettings(m_settingsDir);
        test::isolateKeychain(m_settingsDir);
    }
    void dialogBuildsTheAddress();
    void dialogStartsFromTheStoreInUse();
    void dialogRefusesMissingFields();
    void dialogSaysWhenThereIsNoKeychain();
    void windowShowsItsStoreAndAsksToOpenAnother();
    void changesFromAnotherProcessReachThePages();

private:
    QTemporaryDir m_settingsDir;
};

void TestOpenStore::dialogBuildsTheAddress() {
    ui::OpenStoreDialog dialog(QStringLiteral("/tmp/portico.db"));
    QVERIFY(dialog.findChild<QRadioButton *>(QStringLiteral("storeSqlite"))->isChecked());
    QCOMPARE(dialog.storeAddress(), QStringLiteral("/tmp/portico.db"));
    dialog.findChild<QRadioButton *>(QStringLiteral("storePostgres"))->setChecked(true);
    dialog.findChild<QLineEdit *>(QStringLiteral("storeHost"))->setText(QStringLiteral("db.lan"));
    dialog.findChild<QSpinBox *>(QStringLiteral("storePort"))->setValue(6543);
    dialog.findChild<QLineEdit *>(QStringLiteral("storeDatabase"))
        ->setText(QStringLiteral("portico"));
    dialog.findChild<QLineEdit *>(QStringLiteral("storeUser"))->setText(QStringLiteral("ops"));
    auto *tls = dialog.findChild<QComboBox *>(QStringLiteral("storeTlsMode"));
    tls->setCurrentIndex(tls->findData(QStringLiteral("verify-full")));
    dialog.findChild<QLineEdit *>(QStringLiteral("storePassword"))
        ->setText(QStringLiteral("s3cr:t@"));
    const QString address = dialog.storeAddress();
    QCOMPARE(address, QStringLiteral("postgresql://ops@db.lan:6543/portico?sslmode=verify-full"));
    QVERIFY(!address.contains(QLatin1String("s3cr")));
    QCOMPARE(dialog.password(), QStringLiteral("s3cr:t@"));
    // The password goes into the URI only for opening, escaped.
    const QUrl withPassword(ui::OpenStoreDialog::withPassword(address, dialog.password()));
    QCOMPARE(withPassword.password(), QStringLiteral("s3cr:t@"));
    QCOMPARE(withPassword.host(), QStringLiteral("db.lan"));
    QCOMPARE(ui::OpenStoreDialog::withPassword(QStringLiteral("/tmp/a.db"), QStringLiteral("x")),
             QStringLiteral("/tmp/a.db"));
}

void TestOpenStore::dialogStartsFromTheStoreInUse() {
    ui::OpenStoreDialog dialog(
        QStringLiteral("postgresql://alice@pg.example:5433/team?sslmode=require"));
    QVERIFY(dialog.findChild<QRadioButton *>(QStringLiteral("storePostgres"))->isChecked());
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("storeHost"))->text(),
             QStringLiteral("pg.example"));
    QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("storePort"))->value(), 5433);
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("storeDatabase"))->text(),
             QStringLiteral("team"));
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("storeUser"))->text(),
             QStringLiteral("alice"));
    QCOMPARE(
        dialog.findChild<QComboBox *>(QStringLiteral("storeTlsMode"))->currentData().toString(),
        QStringLiteral("require"));
    QVERIFY(!dialog.findChild<QLineEdit *>(QStringLiteral("storeFile"))->isEnabled());
}

void TestOpenStore::dialogRefusesMissingFields() {
    ui::OpenStoreDialog dialog(QStringLiteral("/tmp/portico.db"));
    dialog.findChild<QRadioButton *>(QStringLiteral("storePostgres"))->setChecked(true);
    dialog.findChild<QLineEdit *>(QStringLiteral("storeDatabase"))->clear();
    dialog.show();
    dialog.accept();
    QVERIFY(dialog.isVisible());
    auto *error = dialog.findChild<QLabel *>(QStringLiteral("storeError"));
    QVERIFY(error->isVisible());
    QVERIFY(!error->text().isEmpty());
}

void TestOpenStore::dialogSaysWhenThereIsNoKeychain() {
    ui::OpenStoreDialog dialog(QStringLiteral("/tmp/portico.db"));
    dialog.show();
    auto *remember = dialog.findChild<QCheckBox *>(QStringLiteral("storeRememberPassword"));
    auto *note = dialog.findChild<QLabel *>(QStringLiteral("storeKeychainNote"));
    QVERIFY(remember);
    QVERIFY(note);
    QVERIFY(!remember->isEnabled()); // a file has no password
    QVERIFY(!note->isVisible());
    QVERIFY(!dialog.rememberPassword());

    dialog.findChild<QRadioButton *>(QStringLiteral("storePostgres"))->setChecked(true);
    QTRY_VERIFY(note->isVisible());
    QCOMPARE(note->text(), QStringLiteral("No system keychain available: the password is kept for "
                                          "this session only."));
    QVERIFY(!remember->isChecked());
    QVERIFY(!remember->isEnabled());
    QVERIFY(!dialog.rememberPassword());
    dialog.findChild<QLineEdit *>(QStringLiteral("storePassword"))->setText(QStringLiteral("pw"));
    // The password is still used, for this session.
    QCOMPARE(dialog.password(), QStringLiteral("pw"));

    dialog.findChild<QRadioButton *>(QStringLiteral("storeSqlite"))->setChecked(true);
    QVERIFY(!note->isVisible());
}

void TestOpenStore::windowShowsItsStoreAndAsksToOpenAnother() {
    test::UiFixture fixture;
    QVERIFY(fixture.open());
    ui::MainWindow window(fixture.context);
    auto *label = window.findChild<QLabel *>(QStringLiteral("storeLabel"));
    QVERIFY(label);
    if (test::usesPostgres()) {
        QVERIFY(label->text().startsWith(QLatin1String("Shared store: postgresql://")));
    } else {
        QCOMPARE(label->text(), QStringLiteral("Store: portico.db"));
    }
    QVERIFY(window.findChild<QAction *>(QStringLiteral("openStoreAction")));
    QSignalSpy requested(&window, &ui::MainWindow::openStoreRequested);
    // The dialog is modal: answer it as soon as it shows.
    QTimer::singleShot(0, [] {
        for (QWidget *widget : QApplication::topLevelWidgets()) {
            if (auto *dialog = qobject_cast<ui::OpenStoreDialog *>(widget)) {
                dialog->findChild<QRadioButton *>(QStringLiteral("storeSqlite"))->setChecked(true);
                dialog->findChild<QLineEdit *>(QStringLiteral("storeFile"))
                    ->setText(QStringLiteral("/tmp/other.db"));
                dialog->accept();
            }
        }
    });
    window.findChild<QAction *>(QStringLiteral("openStoreAction"))->trigger();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toString(), QStringLiteral("/tmp/other.db"));
    QCOMPARE(requested.at(0).at(2).toBool(), false); // a file's password is not kept anywhere
}

void TestOpenStore::changesFromAnotherProcessReachThePages() {
    test::UiFixture fixture;
    QVERIFY(fixture.open());
    ui::StoreWatcher watcher(fixture.database);
    QSignalSpy changed(&watcher, &ui::StoreWatcher::storeChanged);
    // Another Database object on the same store stands for another process: its changes do not
    // come through this object's changed() signal.
    auto other = store::Database::open(fixture.database->path());
    QVERIFY2(other.ok(), qPrintable(other.error().message));
    QTest::qWait(1200); // the listener is connected (it checks every second)
    changed.clear();
    QVERIFY(store::KeyStore(**other, QStringLiteral("test:other"))
                .createKey(QStringLiteral("from elsewhere"))
                .ok());
    QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 1000);
}

QTEST_MAIN(TestOpenStore)
#include "test_openstore.moc"
