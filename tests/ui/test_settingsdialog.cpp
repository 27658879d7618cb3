// The settings dialog and what it applies: every field round trips through QSettings, bad input
// is refused beside the field, a port already taken is explained with the program that holds it
// (this test, holding it with a QTcpServer) and a free one is offered, config.yaml is checked live
// as `portico-gateway config check` does, the language list comes from the shipped translations,
// start at login writes and removes the XDG autostart entry (in a temporary XDG_CONFIG_HOME), and
// a new port restarts the embedded gateway there.
#include "apptranslation.h"
#include "testsupport.h"

#include "desktopcontroller.h"
#include "embeddedgateway.h"
#include "ui/desktop/autostart.h"
#include "ui/desktop/desktopsettings.h"
#include "ui/desktop/portowner.h"
#include "ui/desktop/settingsdialog.h"
#include "ui/desktop/traycontroller.h"
#include "ui/mainwindow.h"
#include "ui/messagebox.h"
#include "ui/translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTcpServer>

using namespace portico;
using ui::MessageBox;
using ui::SettingsDialog;

namespace {

template <typename T> T *child(QWidget *parent, const char *name) {
    auto *found = parent->findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qWarning("no %s", name);
    return found;
}

bool writeFile(const QString &path, const QByteArray &bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

// The short name the kernel keeps for this process (what the dialog reports).
QString ownName() {
    QFile comm(QStringLiteral("/proc/self/comm"));
    return comm.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(comm.readAll().trimmed())
                                          : QString();
}

} // namespace

class TestSettingsDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void roundTrip();
    void validation();
    void portInUseExplainedAndAnotherOffered();
    void portInUseWhenGatewayCannotStart();
    void liveConfigCheck();
    void languageChoiceSaved();
    void autostartEntryWrittenAndRemoved();
    void applyRestartsGatewayOnNewPort();

private:
    SettingsDialog::Values defaults() const;

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_xdgConfig;
    std::unique_ptr<test::UiFixture> m_fixture;
};

void TestSettingsDialog::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-test-settings"));
    // Start at login writes here, never into the real ~/.config/autostart.
    QVERIFY(m_xdgConfig.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_xdgConfig.path()));
}

void TestSettingsDialog::init() {
    QSettings().clear();
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestSettingsDialog::cleanup() {
    m_fixture.reset();
    QSettings().clear();
    QFile::remove(ui::autostart::entryPath());
}

SettingsDialog::Values TestSettingsDialog::defaults() const {
    SettingsDialog::Values values;
    values.settings = ui::DesktopSettings::load();
    values.storeAddress = m_fixture->dir.filePath(QStringLiteral("store.db"));
    values.settings.configPath = m_fixture->config->path();
    return values;
}

void TestSettingsDialog::roundTrip() {
    const SettingsDialog::Values before = defaults();
    QCOMPARE(before.settings.listenHost, QStringLiteral("127.0.0.1"));
    QCOMPARE(before.settings.port, quint16(8000));
    QVERIFY(before.settings.startGatewayOnLaunch);
    QVERIFY(!before.settings.closeToTray);
    QVERIFY(before.settings.language.isEmpty());
    QCOMPARE(before.settings.usageRetentionDays, 0);

    const quint16 port = test::freePort();
    const QString otherStore = m_fixture->dir.filePath(QStringLiteral("other.db"));
    {
        SettingsDialog dialog(before, true, QStringLiteral("127.0.0.1"), 0);
        dialog.show();
        child<QLineEdit>(&dialog, "listenHostEdit")->setText(QStringLiteral("0.0.0.0"));
        child<QSpinBox>(&dialog, "portSpin")->setValue(port);
        child<QCheckBox>(&dialog, "startGatewayCheck")->setChecked(false);
        child<QCheckBox>(&dialog, "closeToTrayCheck")->setChecked(true);
        child<QCheckBox>(&dialog, "autostartCheck")->setChecked(true);
        auto *retention = child<QSpinBox>(&dialog, "retentionSpin");
        {
            // The suffix follows the number, in each language (English plurals are installed by
            // the app at every start).
            const test::AppTranslation english(QLocale::English);
            const test::GermanTranslation german;
            QVERIFY(english.installed() && german.installed());
            retention->setValue(1);
            QCOMPARE(retention->text(), QStringLiteral("1 Tag"));
            retention->setValue(3);
            QCOMPARE(retention->text(), QStringLiteral("3 Tage"));
        }
        {
            const test::AppTranslation english(QLocale::English);
            retention->setValue(1);
            QCOMPARE(retention->text(), QStringLiteral("1 day"));
        }
        retention->setValue(45);
        child<QLineEdit>(&dialog, "storePathEdit")->setText(otherStore);
        auto *language = child<QComboBox>(&dialog, "languageCombo");
        language->setCurrentIndex(language->findData(QStringLiteral("it")));
        QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
        QVERIFY2(dialog.result() == QDialog::Accepted, qPrintable(dialog.errorText()));

        const SettingsDialog::Values chosen = dialog.values();
        QCOMPARE(chosen.settings.listenHost, QStringLiteral("0.0.0.0"));
        QCOMPARE(chosen.settings.port, port);
        QVERIFY(!chosen.settings.startGatewayOnLaunch);
        QCOMPARE(chosen.settings.closeToTray, std::optional<bool>(true));
        QVERIFY(chosen.autostart);
        QCOMPARE(chosen.settings.usageRetentionDays, 45);
        QCOMPARE(chosen.settings.language, QStringLiteral("it"));
        QCOMPARE(chosen.storeAddress, otherStore);
        chosen.settings.save();
    }
    // Saved, and shown again as saved.
    SettingsDialog::Values reloaded = defaults();
    QCOMPARE(reloaded.settings.listenHost, QStringLiteral("0.0.0.0"));
    QCOMPARE(reloaded.settings.port, port);
    QVERIFY(!reloaded.settings.startGatewayOnLaunch);
    QCOMPARE(reloaded.settings.closeToTray, std::optional<bool>(true));
    QCOMPARE(reloaded.settings.language, QStringLiteral("it"));
    QCOMPARE(reloaded.settings.usageRetentionDays, 45);
    SettingsDialog again(reloaded, true, QStringLiteral("127.0.0.1"), 0);
    QCOMPARE(child<QLineEdit>(&again, "listenHostEdit")->text(), QStringLiteral("0.0.0.0"));
    QCOMPARE(child<QSpinBox>(&again, "portSpin")->value(), int(port));
    QVERIFY(child<QCheckBox>(&again, "closeToTrayCheck")->isChecked());
    QCOMPARE(child<QComboBox>(&again, "languageCombo")->currentData().toString(),
             QStringLiteral("it"));
    // Keys saved before this dialog existed are left alone.
    QSettings().setValue(QStringLiteral("gateway/startOnSharedStore"), true);
    reloaded.settings.save();
    QVERIFY(QSettings().value(QStringLiteral("gateway/startOnSharedStore")).toBool());

    // "Not chosen yet" stays so unless the box is touched: the first close still asks.
    QSettings().clear();
    SettingsDialog untouched(defaults(), true, QStringLiteral("127.0.0.1"), 0);
    QVERIFY(!untouched.values().settings.closeToTray);
    // Without a tray the choice cannot be made.
    SettingsDialog noTray(defaults(), false, QStringLiteral("127.0.0.1"), 0);
    QVERIFY(!child<QCheckBox>(&noTray, "closeToTrayCheck")->isEnabled());
}

void TestSettingsDialog::validation() {
    SettingsDialog::Values values = defaults();
    values.settings.port = test::freePort();
    SettingsDialog dialog(values, true, QStringLiteral("127.0.0.1"), 0);
    dialog.show();
    auto *ok = child<QPushButton>(&dialog, "okButton");
    auto *host = child<QLineEdit>(&dialog, "listenHostEdit");

    host->setText(QStringLiteral("gateway.example"));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.errorText().contains(QLatin1String("\"gateway.example\" is not an IP address")),
             qPrintable(dialog.errorText()));
    host->setText(QStringLiteral("localhost"));

    child<QSpinBox>(&dialog, "portSpin")->setValue(80);
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.errorText().contains(QLatin1String("below 1024")));
    child<QSpinBox>(&dialog, "portSpin")->setValue(values.settings.port);

    auto *store = child<QLineEdit>(&dialog, "storePathEdit");
    store->setText(QStringLiteral("relative.db"));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(QLatin1String("full path")));
    store->setText(m_fixture->dir.filePath(QStringLiteral("no/such/folder/store.db")));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog.errorText().contains(QLatin1String("does not exist")));
    store->setText(values.storeAddress);

    auto *config = child<QLineEdit>(&dialog, "configPathEdit");
    config->setText(m_fixture->dir.filePath(QStringLiteral("missing.yaml")));
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.errorText().contains(QLatin1String("There is no config file")));

    // Empty: the built-in config, which is fine.
    config->clear();
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY2(dialog.result() == QDialog::Accepted, qPrintable(dialog.errorText()));
    QVERIFY(dialog.errorText().isEmpty());
    QCOMPARE(dialog.values().settings.listenHost, QStringLiteral("127.0.0.1")); // localhost
    QVERIFY(dialog.values().settings.configPath.isEmpty());
}

void TestSettingsDialog::portInUseExplainedAndAnotherOffered() {
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = squatter.serverPort();

    // Who holds it: this very process.
    const auto owner = ui::findPortOwner(taken);
    QVERIFY(owner);
    QCOMPARE(owner->pid, QCoreApplication::applicationPid());
    QCOMPARE(owner->name, ownName());
    QVERIFY(!ui::portIsFree(QHostAddress::LocalHost, taken));

    SettingsDialog dialog(defaults(), true, QStringLiteral("127.0.0.1"), 0);
    dialog.show();
    child<QSpinBox>(&dialog, "portSpin")->setValue(taken);
    QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
    QVERIFY(dialog.isVisible());
    auto *problem = child<QLabel>(&dialog, "portProblemLabel");
    QVERIFY(problem->isVisible());
    const QString expected = QStringLiteral("Port %1 is in use by %2 (process %3).")
                                 .arg(taken)
                                 .arg(ownName())
                                 .arg(QCoreApplication::applicationPid());
    QVERIFY2(problem->text().startsWith(expected), qPrintable(problem->text()));
    QVERIFY(dialog.errorText().contains(QString::number(taken)));

    // The offer: a free port, one click away.
    auto *use = child<QPushButton>(&dialog, "usePortButton");
    QVERIFY(use->isVisible());
    use->click();
    const int offered = child<QSpinBox>(&dialog, "portSpin")->value();
    QVERIFY(offered > taken);
    QVERIFY(use->text().contains(QString::number(offered)));
    QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
    QVERIFY2(dialog.result() == QDialog::Accepted, qPrintable(dialog.errorText()));
    QCOMPARE(dialog.values().settings.port, quint16(offered));

    // Where the gateway listens now needs no check, though the port is taken (by it).
    SettingsDialog::Values current = defaults();
    current.settings.port = taken;
    SettingsDialog same(current, true, QStringLiteral("127.0.0.1"), taken);
    same.show();
    QTest::mouseClick(child<QPushButton>(&same, "okButton"), Qt::LeftButton);
    QVERIFY2(same.result() == QDialog::Accepted, qPrintable(same.errorText()));

    // A port nobody listens on has no owner.
    QVERIFY(!ui::findPortOwner(test::freePort()));
}

void TestSettingsDialog::portInUseWhenGatewayCannotStart() {
    // The window's "Use Another Port…" after the gateway could not listen says who holds the
    // port and proposes a free one.
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    proxy::GatewayOptions options;
    options.port = squatter.serverPort();
    options.log = m_fixture->context.gatewayLog;
    app::EmbeddedGateway gateway(m_fixture->database, m_fixture->config, options);
    ui::MainWindow window(m_fixture->context);
    connect(&gateway, &app::EmbeddedGateway::statusChanged, &window,
            &ui::MainWindow::setGatewayStatus);
    connect(&window, &ui::MainWindow::gatewayPortRequested, &gateway,
            &app::EmbeddedGateway::setPort);
    window.show();
    gateway.start();
    auto *choose = window.statusBar()->findChild<QPushButton *>(QStringLiteral("choosePortButton"));
    QTRY_VERIFY_WITH_TIMEOUT(choose->isVisible(), 10000);
    MessageBox::setNextInteger(std::nullopt);
    choose->click();
    QVERIFY2(MessageBox::lastText().contains(QStringLiteral("Port %1 is in use by %2 (process %3).")
                                                 .arg(squatter.serverPort())
                                                 .arg(ownName())
                                                 .arg(QCoreApplication::applicationPid())),
             qPrintable(MessageBox::lastText()));
}

void TestSettingsDialog::liveConfigCheck() {
    const QString good = m_fixture->dir.filePath(QStringLiteral("good.yaml"));
    QVERIFY(writeFile(good, test::kTestConfig + "usage:\n  raw_retention_days: 30\n"));
    const QString bad = m_fixture->dir.filePath(QStringLiteral("bad.yaml"));
    QVERIFY(writeFile(bad, "routes:\n  demo:\n    chat_models: [nowhere]\n"));

    SettingsDialog dialog(defaults(), true, QStringLiteral("127.0.0.1"), 0);
    dialog.show();
    // The fixture's config: 2 routes on 1 model, as `config check` says.
    QCOMPARE(dialog.configCheckText(), QStringLiteral("OK: 2 routes, 1 models"));
    QVERIFY(dialog.configCheckPassed());
    auto *open = child<QPushButton>(&dialog, "openConfigButton");
    QVERIFY(open->isEnabled());

    auto *path = child<QLineEdit>(&dialog, "configPathEdit");
    path->setText(bad);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.configCheckPassed(), 10000);
    // The same problems, in the same words, as the command line's check.
    const config::LoadResult expected = config::loadConfigFile(bad);
    QVERIFY(!expected.problems.isEmpty());
    QVERIFY2(dialog.configCheckText().contains(expected.problems.first().toString()),
             qPrintable(dialog.configCheckText()));
    QVERIFY(dialog.configCheckText().startsWith(QLatin1String("Does not load")));

    path->setText(good);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.configCheckText(), QStringLiteral("OK: 2 routes, 1 models"),
                              10000);
    // Its retention wins over the desktop's, and the dialog says so.
    QVERIFY(child<QLabel>(&dialog, "retentionNote")->text().contains(QLatin1String("30 day")));

    path->setText(m_fixture->dir.filePath(QStringLiteral("absent.yaml")));
    QTRY_VERIFY_WITH_TIMEOUT(dialog.configCheckText().startsWith(QLatin1String("There is no file")),
                             10000);
    QVERIFY(!open->isEnabled());
}

void TestSettingsDialog::languageChoiceSaved() {
    // The list comes from the translations built in: at least English and Italian, and any
    // other shipped (German, once its .qm is built).
    const QStringList shipped = ui::shippedLanguages();
    QVERIFY2(shipped.contains(QStringLiteral("en")) && shipped.contains(QStringLiteral("it")),
             qPrintable(shipped.join(u',')));
    // A free port: OK checks the port, and another program may hold the default 8000.
    SettingsDialog::Values values = defaults();
    values.settings.port = test::freePort();
    SettingsDialog dialog(values, true, QStringLiteral("127.0.0.1"), 0);
    auto *combo = child<QComboBox>(&dialog, "languageCombo");
    QCOMPARE(combo->count(), shipped.size() + 1);
    QCOMPARE(combo->currentIndex(), 0); // follows the system by default
    QVERIFY(combo->itemData(0).toString().isEmpty());
    QCOMPARE(combo->itemText(combo->findData(QStringLiteral("it"))), QStringLiteral("Italiano"));
    QCOMPARE(combo->itemText(combo->findData(QStringLiteral("en"))),
             QLocale(QStringLiteral("en")).nativeLanguageName());
    if (shipped.contains(QStringLiteral("de")))
        QCOMPARE(combo->itemText(combo->findData(QStringLiteral("de"))), QStringLiteral("Deutsch"));

    combo->setCurrentIndex(combo->findData(QStringLiteral("it")));
    dialog.show();
    QTest::mouseClick(child<QPushButton>(&dialog, "okButton"), Qt::LeftButton);
    QVERIFY2(dialog.result() == QDialog::Accepted, qPrintable(dialog.errorText()));
    dialog.values().settings.save();
    QCOMPARE(ui::DesktopSettings::load().language, QStringLiteral("it"));
    QCOMPARE(ui::localeForLanguage(QStringLiteral("it")).language(), QLocale::Italian);
    // Not shipped, or empty: the system's.
    QCOMPARE(ui::localeForLanguage(QStringLiteral("xx")), QLocale::system());
    QCOMPARE(ui::localeForLanguage({}), QLocale::system());
}

void TestSettingsDialog::autostartEntryWrittenAndRemoved() {
    const QString entry = m_xdgConfig.filePath(QStringLiteral("autostart/portico.desktop"));
    QCOMPARE(ui::autostart::entryPath(), entry);
    QVERIFY(!ui::autostart::isEnabled());

    // Through the settings, as a user does it.
    proxy::GatewayOptions options;
    options.port = test::freePort();
    app::EmbeddedGateway gateway(m_fixture->database, m_fixture->config, options);
    ui::MainWindow window(m_fixture->context);
    ui::TrayController tray(false);
    app::DesktopController controller(window, gateway, tray, m_fixture->database->path(),
                                      m_fixture->config->path());
    SettingsDialog::Values before = controller.currentValues();
    QVERIFY(!before.autostart);
    SettingsDialog::Values chosen = before;
    chosen.autostart = true;
    QCOMPARE(controller.applySettings(before, chosen), QString());
    QVERIFY(QFile::exists(entry));
    QVERIFY(controller.currentValues().autostart);
    QFile file(entry);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    QVERIFY(text.startsWith("[Desktop Entry]\n"));
    QVERIFY(text.contains("Type=Application\n"));
    const QByteArray exec = "Exec=\"" + QFile::encodeName(QCoreApplication::applicationFilePath()) +
                            "\" --background\n";
    QVERIFY2(text.contains(exec), text.constData());
    // As the desktops' own checker sees it.
    if (const QString validate =
            QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
        !validate.isEmpty()) {
        QProcess check;
        check.start(validate, {entry});
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitCode() == 0, check.readAllStandardOutput().constData());
    }

    // Quoting: a path with a space and a dollar sign stays one argument, taken literally.
    QVERIFY(ui::autostart::entryText(QStringLiteral("/opt/My Apps/$x/portico"))
                .contains("Exec=\"/opt/My Apps/\\\\$x/portico\" --background\n"));

    SettingsDialog::Values off = chosen;
    off.autostart = false;
    QCOMPARE(controller.applySettings(chosen, off), QString());
    QVERIFY(!QFile::exists(entry));
    QVERIFY(!controller.currentValues().autostart);
}

void TestSettingsDialog::applyRestartsGatewayOnNewPort() {
    const quint16 first = test::freePort();
    proxy::GatewayOptions options;
    options.port = first;
    options.log = m_fixture->context.gatewayLog;
    app::EmbeddedGateway gateway(m_fixture->database, m_fixture->config, options);
    ui::MainWindow window(m_fixture->context);
    ui::TrayController tray(false);
    app::DesktopController controller(window, gateway, tray, m_fixture->database->path(),
                                      m_fixture->config->path());
    gateway.start();
    QTRY_VERIFY_WITH_TIMEOUT(gateway.isListening(), 10000);

    const SettingsDialog::Values before = controller.currentValues();
    QCOMPARE(before.settings.port, first);
    QCOMPARE(before.settings.configPath, m_fixture->config->path());
    SettingsDialog::Values chosen = before;
    chosen.settings.port = test::freePort();
    chosen.settings.usageRetentionDays = 14;
    QSignalSpy storeChange(&controller, &app::DesktopController::storeChangeRequested);
    QSignalSpy configChange(&controller, &app::DesktopController::configChangeRequested);
    QCOMPARE(controller.applySettings(before, chosen), QString());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(chosen.settings.port);
    QTRY_COMPARE_WITH_TIMEOUT(gateway.listenAddress(), address, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(gateway.isListening(), 10000);
    QCOMPARE(tray.statusText(), QStringLiteral("Gateway running on %1").arg(address));
    QCOMPARE(gateway.options().fallbackRawRetentionDays, 14);
    QTcpServer probe; // the old port is free again
    QVERIFY(probe.listen(QHostAddress::LocalHost, first));
    probe.close();
    QCOMPARE(ui::DesktopSettings::load().port, chosen.settings.port);
    QCOMPARE(storeChange.count(), 0);
    QCOMPARE(configChange.count(), 0);

    // A new config file or store is handed to the app, which reopens on it.
    SettingsDialog::Values otherConfig = chosen;
    otherConfig.settings.configPath = m_fixture->dir.filePath(QStringLiteral("other.yaml"));
    controller.applySettings(chosen, otherConfig);
    QCOMPARE(configChange.count(), 1);
    QCOMPARE(configChange.first().first().toString(), otherConfig.settings.configPath);
    SettingsDialog::Values otherStore = otherConfig;
    otherStore.storeAddress = m_fixture->dir.filePath(QStringLiteral("other.db"));
    controller.applySettings(otherConfig, otherStore);
    QCOMPARE(storeChange.count(), 1);
}

QTEST_MAIN(TestSettingsDialog)
#include "test_settingsdialog.moc"
