// The tray and the window's life beside it: the status the tray shows, its menu's actions on the
// real embedded gateway, what closing the window does (asked once, remembered), and one instance
// per user, in one process and with real processes of the app (including the socket a crashed
// first instance leaves behind). The offscreen platform has no tray, so the tray's availability
// is given to TrayController, as the app gives it QSystemTrayIcon::isSystemTrayAvailable().
#include "gatewaywindow.h"
#include "testsupport.h"

#include "desktopcontroller.h"
#include "embeddedgateway.h"
#include "singleinstance.h"
#include "ui/desktop/desktopsettings.h"
#include "ui/desktop/traycontroller.h"
#include "ui/mainwindow.h"
#include "ui/messagebox.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMenu>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTcpServer>

#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace portico;
using ui::MessageBox;

namespace {

// A name no other test run uses.
QString uniqueName(const QString &what) {
    return QStringLiteral("portico-test-%1-%2-%3")
        .arg(what)
        .arg(QCoreApplication::applicationPid())
        .arg(QDateTime::currentMSecsSinceEpoch());
}

// What a crashed instance leaves: a socket file nobody listens on.
bool leaveStaleSocket(const QString &name) {
    const QByteArray path = QFile::encodeName(QDir::tempPath() + u'/' + name);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (size_t(path.size()) >= sizeof(address.sun_path)) {
        ::close(fd);
        return false;
    }
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0 &&
                       ::listen(fd, 1) == 0;
    ::close(fd); // the file stays, as after a crash
    return bound && QFile::exists(QString::fromLocal8Bit(path));
}

} // namespace

class TestTray : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void statusText();
    void closeDecisionAskedOnceAndRemembered();
    void noTrayMeansQuit();
    void trayMenuDrivesGatewayAndWindow();
    void closeButtonHidesToTray();
    void singleInstanceInProcess();
    void staleSocketIsTakenOver();
    void singleInstanceRealProcesses();

private:
    void makeWindow(quint16 port, bool trayAvailable);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::unique_ptr<app::EmbeddedGateway> m_gateway;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<ui::TrayController> m_tray;
    std::unique_ptr<app::DesktopController> m_controller;
};

void TestTray::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-test-tray"));
}

void TestTray::init() {
    QSettings().clear();
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestTray::cleanup() {
    m_controller.reset();
    m_window.reset();
    m_tray.reset();
    m_gateway.reset();
    m_fixture.reset();
    QSettings().clear();
}

void TestTray::makeWindow(quint16 port, bool trayAvailable) {
    test::makeGatewayWindow(*m_fixture, port, m_gateway, m_window);
    m_tray = std::make_unique<ui::TrayController>(trayAvailable);
    m_controller = std::make_unique<app::DesktopController>(
        *m_window, *m_gateway, *m_tray, m_fixture->database->path(), m_fixture->config->path());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestTray::statusText() {
    ui::TrayController tray(false);
    QVERIFY(!tray.icon());
    tray.setGatewayStatus(true, QStringLiteral("127.0.0.1:8000"), {});
    QCOMPARE(tray.statusText(), QStringLiteral("Gateway running on 127.0.0.1:8000"));
    QCOMPARE(tray.statusAction()->text(), tray.statusText());
    QVERIFY(!tray.statusAction()->isEnabled()); // information, not a command
    QCOMPARE(tray.pauseAction()->text(), QStringLiteral("&Pause Gateway"));

    tray.setGatewayStatus(false, QStringLiteral("127.0.0.1:8000"), {});
    QCOMPARE(tray.statusText(), QStringLiteral("Gateway paused"));
    QCOMPARE(tray.pauseAction()->text(), QStringLiteral("&Resume Gateway"));

    tray.setGatewayStatus(false, QStringLiteral("127.0.0.1:8000"),
                          QStringLiteral("127.0.0.1:8000 is already in use"));
    QCOMPARE(tray.statusText(),
             QStringLiteral("Gateway not running: 127.0.0.1:8000 is already in use"));

    // The menu: status, Open, Pause/Resume, Quit.
    QStringList names;
    for (QAction *action : tray.menu()->actions())
        if (!action->isSeparator())
            names << action->objectName();
    QCOMPARE(names,
             (QStringList{QStringLiteral("trayStatusAction"), QStringLiteral("trayOpenAction"),
                          QStringLiteral("trayPauseAction"), QStringLiteral("trayQuitAction")}));
}

void TestTray::closeDecisionAskedOnceAndRemembered() {
    ui::TrayController tray(true);
    const int asked = MessageBox::askedCount();
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QVERIFY(tray.closeToTray(nullptr));
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(MessageBox::lastText().contains(QLatin1String("tray")));
    QCOMPARE(ui::DesktopSettings::load().closeToTray, std::optional<bool>(true));
    // Remembered: not asked again, in this run or the next (a new controller).
    QVERIFY(tray.closeToTray(nullptr));
    QVERIFY(ui::TrayController(true).closeToTray(nullptr));
    QCOMPARE(MessageBox::askedCount(), asked + 1);

    // "No" is remembered too.
    QSettings().clear();
    MessageBox::setNextAnswer(QMessageBox::No);
    QVERIFY(!tray.closeToTray(nullptr));
    QVERIFY(!tray.closeToTray(nullptr));
    QCOMPARE(MessageBox::askedCount(), asked + 2);
    QCOMPARE(ui::DesktopSettings::load().closeToTray, std::optional<bool>(false));
}

void TestTray::noTrayMeansQuit() {
    // A desktop without a tray: closing quits, and nobody is asked.
    const int asked = MessageBox::askedCount();
    ui::TrayController tray(false);
    QVERIFY(!tray.closeToTray(nullptr));
    QCOMPARE(MessageBox::askedCount(), asked);
    QVERIFY(!ui::DesktopSettings::load().closeToTray);

    makeWindow(test::freePort(), false);
    m_window->close();
    QVERIFY(!m_window->isVisible());
    QCOMPARE(MessageBox::askedCount(), asked);
}

void TestTray::trayMenuDrivesGatewayAndWindow() {
    const quint16 port = test::freePort();
    makeWindow(port, true);
    const QString running = QStringLiteral("Gateway running on 127.0.0.1:%1").arg(port);
    m_gateway->start();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->statusText(), running, 10000);

    // Pause: the listener stops, in the tray and in the window.
    m_tray->pauseAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->statusText(), QStringLiteral("Gateway paused"), 10000);
    QVERIFY(!m_gateway->isListening());
    QCOMPARE(m_window->gatewayStatusText(), QStringLiteral("Gateway stopped"));
    QTcpServer probe; // the port is really free again
    QVERIFY(probe.listen(QHostAddress::LocalHost, port));
    probe.close();

    // Resume: listening again on the same address.
    m_tray->pauseAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(m_tray->statusText(), running, 10000);
    QCOMPARE(m_window->gatewayStatusText(),
             QStringLiteral("Gateway listening on http://127.0.0.1:%1").arg(port));

    // Open brings a hidden window back.
    m_window->hide();
    m_tray->openAction()->trigger();
    QVERIFY(m_window->isVisible());

    // Quit closes the window for good, even with "keep running in the tray" chosen.
    ui::DesktopSettings settings = ui::DesktopSettings::load();
    settings.closeToTray = true;
    settings.save();
    QSignalSpy quit(m_controller.get(), &app::DesktopController::quitRequested);
    const int asked = MessageBox::askedCount();
    m_tray->quitAction()->trigger();
    QCOMPARE(quit.count(), 1);
    QVERIFY(!m_window->isVisible());
    QCOMPARE(MessageBox::askedCount(), asked);
}

void TestTray::closeButtonHidesToTray() {
    const quint16 port = test::freePort();
    makeWindow(port, true);
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 10000);

    // The first close asks; "Yes": the window hides and the gateway keeps serving.
    MessageBox::setNextAnswer(QMessageBox::Yes);
    const int asked = MessageBox::askedCount();
    QVERIFY(!m_window->close()); // the close is refused: the window only hides
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(!m_window->isVisible());
    QVERIFY(m_gateway->isListening());
    QTcpServer probe;
    QVERIFY(!probe.listen(QHostAddress::LocalHost, port));

    // The next close does not ask again.
    m_window->show();
    QVERIFY(!m_window->close());
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(!m_window->isVisible());

    // File → Quit closes for good without asking.
    m_window->show();
    auto *quit = m_window->findChild<QAction *>(QStringLiteral("quitAction"));
    QVERIFY(quit);
    quit->trigger();
    QVERIFY(!m_window->isVisible());
    QCOMPARE(MessageBox::askedCount(), asked + 1);
}

void TestTray::singleInstanceInProcess() {
    const QString name = uniqueName(QStringLiteral("single"));
    app::SingleInstance first(name);
    QCOMPARE(first.start(), app::SingleInstance::Outcome::Primary);
    QSignalSpy raised(&first, &app::SingleInstance::raiseRequested);

    app::SingleInstance second(name);
    QCOMPARE(second.start(), app::SingleInstance::Outcome::OtherRaised);
    QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, 10000);
    app::SingleInstance third(name);
    QCOMPARE(third.start(), app::SingleInstance::Outcome::OtherRaised);
    QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 2, 10000);

    // Per user and data folder.
    const QString appName = app::SingleInstance::serverName();
    QVERIFY2(appName.contains(QString::number(::getuid())), qPrintable(appName));
}

void TestTray::staleSocketIsTakenOver() {
    const QString name = uniqueName(QStringLiteral("stale"));
    QVERIFY(leaveStaleSocket(name));
    app::SingleInstance instance(name);
    QCOMPARE(instance.start(), app::SingleInstance::Outcome::Primary);
    QSignalSpy raised(&instance, &app::SingleInstance::raiseRequested);
    app::SingleInstance later(name);
    QCOMPARE(later.start(), app::SingleInstance::Outcome::OtherRaised);
    QTRY_COMPARE_WITH_TIMEOUT(raised.count(), 1, 10000);
}

void TestTray::singleInstanceRealProcesses() {
    // Real processes of the app, in a home of their own (so their socket name is theirs).
    QTemporaryDir home;
    QVERIFY(home.isValid());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *folder : {"config", "data", "cache", "run"})
        QVERIFY(QDir(home.path()).mkpath(QString::fromLatin1(folder)));
    QFile::setPermissions(home.filePath(QStringLiteral("run")),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("run")));
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("PORTICO_DB"), home.filePath(QStringLiteral("store.db")));
    environment.remove(QStringLiteral("PORTICO_CONFIG"));
    environment.remove(QStringLiteral("PORTICO_LISTEN"));
    // No keychain: the store is a file anyway.
    environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                       QStringLiteral("unix:path=") + home.filePath(QStringLiteral("no-bus")));

    // The name those processes use, worked out as they do, in their folders.
    QString name;
    {
        const QByteArray oldData = qgetenv("XDG_DATA_HOME");
        const QString oldOrganization = QCoreApplication::organizationName();
        const QString oldApplication = QCoreApplication::applicationName();
        QStandardPaths::setTestModeEnabled(false);
        qputenv("XDG_DATA_HOME", QFile::encodeName(home.filePath(QStringLiteral("data"))));
        QCoreApplication::setOrganizationName(QStringLiteral("Portico"));
        QCoreApplication::setApplicationName(QStringLiteral("portico"));
        name = app::SingleInstance::serverName();
        QCoreApplication::setOrganizationName(oldOrganization);
        QCoreApplication::setApplicationName(oldApplication);
        if (oldData.isNull())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", oldData);
        QStandardPaths::setTestModeEnabled(true);
    }
    const auto answers = [&name] {
        QLocalSocket probe;
        probe.connectToServer(name);
        return probe.waitForConnected(1000);
    };
    const auto launch = [&environment](QProcess &process) {
        process.setProcessEnvironment(environment);
        process.setProgram(QStringLiteral(PORTICO_APP));
        process.setArguments({QStringLiteral("--no-gateway")});
        process.start();
        return process.waitForStarted(30000);
    };
    QVERIFY(!answers());

    QProcess first;
    QVERIFY(launch(first));
    QTRY_VERIFY_WITH_TIMEOUT(answers() || first.state() != QProcess::Running, 60000);
    QVERIFY2(first.state() == QProcess::Running, first.readAllStandardError().constData());

    // A second launch raises the first and ends at once with status 0.
    QProcess second;
    QVERIFY(launch(second));
    QVERIFY(second.waitForFinished(60000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 0);
    QVERIFY2(second.readAllStandardOutput().contains("already running"),
             second.readAllStandardError().constData());
    QCOMPARE(first.state(), QProcess::Running);

    // The first crashes: its socket stays behind, and the next launch takes over.
    first.kill();
    QVERIFY(first.waitForFinished(30000));
    QVERIFY(QFile::exists(QDir::tempPath() + u'/' + name));
    QVERIFY(!answers());
    QProcess third;
    QVERIFY(launch(third));
    QTRY_VERIFY_WITH_TIMEOUT(answers() || third.state() != QProcess::Running, 60000);
    QVERIFY2(third.state() == QProcess::Running, third.readAllStandardError().constData());
    QProcess fourth;
    QVERIFY(launch(fourth));
    QVERIFY(fourth.waitForFinished(60000));
    QCOMPARE(fourth.exitCode(), 0);
    QVERIFY(fourth.readAllStandardOutput().contains("already running"));
    QCOMPARE(third.state(), QProcess::Running);

    third.kill();
    third.waitForFinished(30000);
    QLocalServer::removeServer(name);
}

QTEST_MAIN(TestTray)
#include "test_tray.moc"
