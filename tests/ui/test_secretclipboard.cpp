// The one-time key copied to the clipboard does not outlive the app: it is cleared when the
// application quits before the 60 s timer (QCoreApplication::aboutToQuit, emitted however the
// app's event loop ends: File > Quit, the last window closed, QApplication::quit()), and a
// clipboard the user changed since is left alone.

#include "store/apikeyformat.h"
#include "ui/keys/secretclipboard.h"

#include <QApplication>
#include <QClipboard>
#include <QTest>
#include <QTimer>

using namespace portico;

class TestSecretClipboard : public QObject {
    Q_OBJECT

private:
    // Runs the application's event loop and quits it: the very path by which the desktop app
    // ends (QApplication::exec() returning), aboutToQuit included. exec() may run again later.
    static void runQuitPath() {
        QTimer::singleShot(0, qApp, [] { QCoreApplication::quit(); });
        QCoreApplication::exec();
    }

private Q_SLOTS:
    void clearedOnQuit() {
        const QString secret = store::apikey::generate();
        ui::SecretClipboard::copy(secret); // the default: 60 s, far beyond this test
        QCOMPARE(QGuiApplication::clipboard()->text(), secret);
        runQuitPath();
        QVERIFY(QGuiApplication::clipboard()->text() != secret);
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
    }

    void userClipboardLeftAloneOnQuit() {
        const QString secret = store::apikey::generate();
        ui::SecretClipboard::copy(secret);
        QGuiApplication::clipboard()->setText(QStringLiteral("copied by the user since"));
        runQuitPath();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("copied by the user since"));
        QGuiApplication::clipboard()->clear();
    }

    // Of two copies, the quit clears the one still held and leaves nothing behind of the first.
    void laterCopyClearedOnQuit() {
        const QString first = store::apikey::generate();
        const QString second = store::apikey::generate();
        ui::SecretClipboard::copy(first);
        ui::SecretClipboard::copy(second);
        runQuitPath();
        QVERIFY(QGuiApplication::clipboard()->text().isEmpty());
    }
};

QTEST_MAIN(TestSecretClipboard)
#include "test_secretclipboard.moc"
