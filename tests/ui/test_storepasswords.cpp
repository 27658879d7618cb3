// The password of a PostgreSQL store: typed in File → Open Store, kept in the system keychain
// when the user asks for it (ui::StorePasswords), read from there at the next start before
// libpq's own sources (app::StoreOpener), and never written to the settings file or a log.
// Without a keychain (test_storepasswords[_postgresql], as in CI) the app says so and keeps the
// password for the session; the _keyring variants run against a real Secret Service of their own
// (tests/ui/with-test-keyring.sh). Passwords only matter on PostgreSQL: the tests that open a
// store run in the _postgresql variants (whose server trusts every local connection, so the
// password used is told by StoreOpener, not proven by the server).

#include "testsupport.h"

#include <sys/stat.h>

#include "storeopener.h"
#include "ui/mainwindow.h"
#include "ui/store/openstoredialog.h"
#include "ui/store/storepasswords.h"

#include <QCheckBox>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QUuid>

using namespace portico;
using ui::StorePasswords;

namespace {

// Every message the test and the code under it print, to look for passwords in.
QStringList g_messages;
QtMessageHandler g_previousHandler = nullptr;

void keepMessage(QtMsgType type, const QMessageLogContext &context, const QString &message) {
    g_messages.append(message);
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QString newPassword() {
    return QStringLiteral("pw-") + QUuid::createUuid().toString(QUuid::Id128);
}

// The files under `folder` whose bytes contain `needle`.
QStringList filesContaining(const QString &folder, const QString &needle) {
    QStringList found;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle.toUtf8()))
            found.append(file.fileName());
    }
    return found;
}

// The Secret Service's own answer, without QtKeychain (its attributes for an entry are the
// user, the server and the type).
QString secretToolLookup(const QString &entry) {
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("lookup"), QStringLiteral("user"), entry, QStringLiteral("server"),
                StorePasswords::service(), QStringLiteral("type"), QStringLiteral("plaintext")});
    if (!tool.waitForFinished(10000))
        return QStringLiteral("(secret-tool did not answer)");
    return QString::fromUtf8(tool.readAllStandardOutput());
}

} // namespace

class TestStorePasswords : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void entryNameHoldsNoSecret();
    void passwordNeverInTheSettingsFileNorALog();
    void withoutKeychainTheStoreOpensForTheSession();
    void keychainRoundTrip();
    void passwordSavedAtOpeningIsReadAtTheNextStart();
    void uncheckingRemovesTheSavedPassword();
    void desktopStoreIsPrivate();

private:
    // Waits for the keychain's first answer, so the dialog knows from the start.
    bool keychainKnown();
    void checkNowhereOnDisk(const QString &password);

    QTemporaryDir m_settingsDir;
};

void TestStorePasswords::initTestCase() {
    QVERIFY(m_settingsDir.isValid());
    test::isolateSettings(m_settingsDir);
    test::isolateKeychain(m_settingsDir);
    g_previousHandler = qInstallMessageHandler(keepMessage);
    qInfo("keychain: %s", test::usesTestKeyring() ? "the test keyring" : "none");
}

bool TestStorePasswords::keychainKnown() {
    if (StorePasswords::keychain() != StorePasswords::Keychain::Unknown)
        return true;
    StorePasswords passwords;
    QSignalSpy checked(&passwords, &StorePasswords::keychainChecked);
    passwords.checkKeychain();
    return checked.wait(10000) || !checked.isEmpty();
}

// The password in no file of the settings folder, nor (under with-test-keyring.sh, whose home
// is a temporary folder) anywhere in the home folder, where the keyring keeps it encrypted;
// and in no message printed so far.
void TestStorePasswords::checkNowhereOnDisk(const QString &password) {
    QCOMPARE(filesContaining(m_settingsDir.path(), password), QStringList());
    if (test::usesTestKeyring())
        QCOMPARE(filesContaining(QDir::homePath(), password), QStringList());
    for (const QString &message : std::as_const(g_messages))
        QVERIFY2(!message.contains(password), qPrintable(message));
}

void TestStorePasswords::entryNameHoldsNoSecret() {
    QCOMPARE(StorePasswords::entryName(
                 QStringLiteral("postgresql://ops:s3cret@db.lan:6543/portico?sslmode=require")),
             QStringLiteral("ops@db.lan:6543/portico"));
    QCOMPARE(StorePasswords::entryName(QStringLiteral("postgresql://ops@db.lan/portico")),
             QStringLiteral("ops@db.lan:5432/portico"));
    QCOMPARE(StorePasswords::entryName(QStringLiteral("/tmp/portico.db")), QString());
}

// The whole way of a typed password in the desktop app: the dialog of the window on the store,
// the app opening the chosen store, the window saving its settings as it closes.
void TestStorePasswords::passwordNeverInTheSettingsFileNorALog() {
    if (!test::usesPostgres())
        QSKIP("a store's password is a PostgreSQL store's: see the _postgresql variant");
    QVERIFY(keychainKnown());
    test::UiFixture fixture;
    QVERIFY(fixture.open());
    const QString password = newPassword();
    QString address;
    QString openedPath;
    QString typed;
    bool remember = false;
    {
        ui::MainWindow window(fixture.context);
        connect(&window, &ui::MainWindow::openStoreRequested, this,
                [&](const QString &chosen, const QString &chosenPassword, bool rememberPassword) {
                    address = chosen;
                    typed = chosenPassword;
                    remember = rememberPassword;
                });
        QTimer::singleShot(0, this, [&password] {
            auto *dialog = test::visibleDialog<ui::OpenStoreDialog>();
            QVERIFY(dialog);
            // It starts from the store in use: only the password is typed.
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("storePassword")),
                             password);
            dialog->accept();
        });
        window.show();
        window.findChild<QAction *>(QStringLiteral("openStoreAction"))->trigger();
        QCOMPARE(StorePasswords::entryName(address),
                 StorePasswords::entryName(fixture.database->path()));
        QCOMPARE(typed, password);
        // Default on, when there is a keychain to keep it in.
        QCOMPARE(remember, StorePasswords::keychain() == StorePasswords::Keychain::Available);

        app::StoreOpener opener;
        QSignalSpy saved(&opener.passwords(), &StorePasswords::saved);
        QSignalSpy forgotten(&opener.passwords(), &StorePasswords::forgotten);
        auto opened = opener.open({address, typed, remember, /*rememberAddress=*/true});
        QVERIFY2(opened.ok(), qPrintable(opened.error().message));
        QCOMPARE(opened->passwordSource, app::StoreOpener::PasswordSource::Typed);
        openedPath = opened->database->path();
        // The keychain's answer (saved, or the entry removed) has come before looking.
        QVERIFY(remember ? saved.wait(10000) : forgotten.wait(10000));
        if (remember)
            QCOMPARE(saved.at(0).at(1).toBool(), true);
        window.close();
    }
    QSettings settings;
    settings.sync();
    QCOMPARE(app::StoreOpener::rememberedAddress(), openedPath);
    QFile file(settings.fileName());
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
    const QByteArray content = file.readAll();
    QVERIFY2(content.contains("address="), content.constData()); // the file is the one written
    QVERIFY(!content.contains(password.toUtf8()));
    checkNowhereOnDisk(password);
}

void TestStorePasswords::withoutKeychainTheStoreOpensForTheSession() {
    if (test::usesTestKeyring())
        QSKIP("the test keyring is a keychain: see the variants without _keyring");
    QVERIFY(keychainKnown());
    QCOMPARE(StorePasswords::keychain(), StorePasswords::Keychain::Unavailable);
    QVERIFY(!StorePasswords::keychainProblem().isEmpty());

    // The dialog says so where the password is typed, and keeps it for the session.
    ui::OpenStoreDialog dialog(QStringLiteral("postgresql://ops@db.lan:5432/portico"));
    dialog.show();
    auto *note = dialog.findChild<QLabel *>(QStringLiteral("storeKeychainNote"));
    QVERIFY(note);
    QTRY_VERIFY(note->isVisible());
    QCOMPARE(note->text(), StorePasswords::sessionOnlyText());
    auto *remember = dialog.findChild<QCheckBox *>(QStringLiteral("storeRememberPassword"));
    QVERIFY(!remember->isChecked());
    QVERIFY(!remember->isEnabled());
    QVERIFY(!dialog.rememberPassword());

    if (!test::usesPostgres())
        QSKIP("opening a store with a password: see the _postgresql variant");
    QTemporaryDir dir;
    const QString address = test::testStorePath(dir.path());
    QVERIFY(!address.isEmpty());
    const QString password = newPassword();
    // Asked to remember it all the same (the box was ticked before the keychain answered): the
    // store opens, and the app says once that the password is for this session only.
    app::StoreOpener opener;
    QSignalSpy notSaved(&opener, &app::StoreOpener::passwordNotSaved);
    auto opened = opener.open({address, password, /*rememberPassword=*/true, true});
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    QCOMPARE(opened->passwordSource, app::StoreOpener::PasswordSource::Typed);
    QVERIFY(notSaved.wait(10000));
    QCOMPARE(notSaved.size(), 1);
    QCOMPARE(notSaved.at(0).at(0).toString(), StorePasswords::sessionOnlyText());

    // The next start opens the remembered store with libpq's own sources, without waiting for
    // a keychain that is not there.
    app::StoreOpener nextStart;
    QElapsedTimer took;
    took.start();
    auto reopened = nextStart.open({app::StoreOpener::rememberedAddress(), {}, true, false});
    QVERIFY2(reopened.ok(), qPrintable(reopened.error().message));
    QCOMPARE(reopened->passwordSource, app::StoreOpener::PasswordSource::None);
    QVERIFY2(took.elapsed() < 10000, qPrintable(QString::number(took.elapsed())));
    QSettings().sync();
    checkNowhereOnDisk(password);
}

void TestStorePasswords::keychainRoundTrip() {
    if (!test::usesTestKeyring())
        QSKIP("needs a keychain: see the _keyring variants");
    const QString address =
        QStringLiteral("postgresql://ops@db.example:6543/portico?sslmode=require");
    const QString entry = StorePasswords::entryName(address);
    const QString password = newPassword();
    StorePasswords passwords;
    QSignalSpy saved(&passwords, &StorePasswords::saved);
    passwords.save(address, password);
    QVERIFY(saved.wait(10000));
    QCOMPARE(saved.at(0).at(1).toBool(), true);
    QCOMPARE(StorePasswords::keychain(), StorePasswords::Keychain::Available);
    // In the Secret Service itself, under the store's entry.
    QCOMPARE(secretToolLookup(entry), password);

    QSignalSpy read(&passwords, &StorePasswords::passwordRead);
    passwords.read(address);
    QVERIFY(read.wait(10000));
    QCOMPARE(read.at(0).at(1).toString(), password);
    QCOMPARE(passwords.readNow(address, std::chrono::seconds(10)), password);

    QSignalSpy forgotten(&passwords, &StorePasswords::forgotten);
    passwords.forget(address);
    QVERIFY(forgotten.wait(10000));
    QCOMPARE(forgotten.at(0).at(1).toBool(), true);
    QCOMPARE(passwords.readNow(address, std::chrono::seconds(10)), QString());
    QCOMPARE(secretToolLookup(entry), QString());
    checkNowhereOnDisk(password);
}

void TestStorePasswords::passwordSavedAtOpeningIsReadAtTheNextStart() {
    if (!test::usesTestKeyring() || !test::usesPostgres())
        QSKIP(
            "needs a keychain and a PostgreSQL store: see test_storepasswords_keyring_postgresql");
    QTemporaryDir dir;
    const QString address = test::testStorePath(dir.path());
    QVERIFY(!address.isEmpty());
    const QString password = newPassword();
    {
        app::StoreOpener opener;
        QSignalSpy saved(&opener.passwords(), &StorePasswords::saved);
        auto opened = opener.open({address, password, true, true});
        QVERIFY2(opened.ok(), qPrintable(opened.error().message));
        QVERIFY(saved.wait(10000));
        QCOMPARE(saved.at(0).at(1).toBool(), true);
    }
    app::StoreOpener nextStart;
    auto reopened = nextStart.open({app::StoreOpener::rememberedAddress(), {}, true, false});
    QVERIFY2(reopened.ok(), qPrintable(reopened.error().message));
    QCOMPARE(reopened->passwordSource, app::StoreOpener::PasswordSource::Keychain);
    QCOMPARE(nextStart.passwords().readNow(address, std::chrono::seconds(10)), password);
    QSettings().sync();
    checkNowhereOnDisk(password);
}

void TestStorePasswords::uncheckingRemovesTheSavedPassword() {
    if (!test::usesTestKeyring() || !test::usesPostgres())
        QSKIP(
            "needs a keychain and a PostgreSQL store: see test_storepasswords_keyring_postgresql");
    QTemporaryDir dir;
    const QString address = test::testStorePath(dir.path());
    QVERIFY(!address.isEmpty());
    app::StoreOpener opener;
    QSignalSpy saved(&opener.passwords(), &StorePasswords::saved);
    QVERIFY(opener.open({address, newPassword(), true, true}).ok());
    QVERIFY(saved.wait(10000));
    QVERIFY(!opener.passwords().readNow(address, std::chrono::seconds(10)).isEmpty());

    // File → Open Store on the same store with the box unticked and no password typed: the
    // saved one is not used, and is removed.
    QSignalSpy forgotten(&opener.passwords(), &StorePasswords::forgotten);
    auto opened = opener.open({address, {}, /*rememberPassword=*/false, true});
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    QCOMPARE(opened->passwordSource, app::StoreOpener::PasswordSource::None);
    QVERIFY(forgotten.wait(10000));
    QCOMPARE(forgotten.at(0).at(1).toBool(), true);
    QCOMPARE(opener.passwords().readNow(address, std::chrono::seconds(10)), QString());
    QCOMPARE(secretToolLookup(StorePasswords::entryName(address)), QString());
}

// The desktop app opens its SQLite store through StoreOpener: whatever the umask, a new store is
// readable by its owner only, in a folder only its owner can enter.
void TestStorePasswords::desktopStoreIsPrivate() {
    if (test::usesPostgres())
        QSKIP("a PostgreSQL store has no file");
    QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("Portico"));
    const QString path = folder + QStringLiteral("/portico.db");
    const mode_t previous = ::umask(0);
    app::StoreOpener opener;
    auto opened = opener.open({path, {}, false, false});
    ::umask(previous);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    QCOMPARE(QFileInfo(path).permissions() &
                 ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
             QFileDevice::Permissions());
    QCOMPARE(QFileInfo(folder).permissions() &
                 (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                  QFile::WriteOther | QFile::ExeOther),
             QFileDevice::Permissions());
}

QTEST_MAIN(TestStorePasswords)
#include "test_storepasswords.moc"
