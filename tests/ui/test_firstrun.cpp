// The first run: on an empty store the Keys page opens with a welcome that explains the demo
// route, creates a first group and key (shown once, in the usual dialog) and sends a real test
// request through the real embedded gateway, showing its answer. Dismissed, or once keys exist,
// it is not shown. The key is compared, never printed.
#include "gatewaywindow.h"
#include "testsupport.h"

#include "embeddedgateway.h"
#include "ui/keys/keyspage.h"
#include "ui/keys/keystablemodel.h"
#include "ui/keys/onetimekeydialog.h"
#include "ui/keys/welcomepanel.h"
#include "ui/mainwindow.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTcpServer>
#include <QToolButton>

using namespace portico;
using test::findWidget;

class TestFirstRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void welcomeCreatesKeyAndAnswers();
    void notShownWhenKeysExist();
    void notShownWhenGroupsExist();
    void gatewayStoppedIsExplained();
    void dismissedStaysDismissed();

private:
    void makeWindow(bool startGateway);
    ui::WelcomePanel *welcome() const { return m_window->keysPage()->welcomePanel(); }

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::unique_ptr<app::EmbeddedGateway> m_gateway;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestFirstRun::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-test"));
}

void TestFirstRun::init() {
    QSettings().clear();
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestFirstRun::cleanup() {
    m_window.reset();
    m_gateway.reset();
    m_fixture.reset();
    QSettings().clear();
}

void TestFirstRun::makeWindow(bool startGateway) {
    test::makeGatewayWindow(*m_fixture, test::freePort(), m_gateway, m_window);
    m_window->setCurrentPage(ui::MainWindow::KeysPageIndex);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    if (startGateway) {
        m_gateway->start();
        QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 30000);
    }
}

void TestFirstRun::welcomeCreatesKeyAndAnswers() {
    makeWindow(true);
    ui::WelcomePanel *panel = welcome();
    QVERIFY(panel->isVisible());
    // It explains the demo route of the loaded config (testsupport.h: demo on mock/echo).
    const QString explanation =
        findWidget<QLabel>(QStringLiteral("welcomeExplanation"), panel)->text();
    QVERIFY2(explanation.contains(QStringLiteral("<b>demo</b>")), qPrintable(explanation));
    QVERIFY2(explanation.contains(QStringLiteral("demo (mock/echo)")), qPrintable(explanation));
    auto *test = findWidget<QPushButton>(QStringLiteral("welcomeTestButton"), panel);
    QVERIFY(!test->isEnabled());

    // Step 1: a group granting the demo route, a key in it, shown once.
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("welcomeCreateButton"), panel),
                      Qt::LeftButton);
    auto groups = m_fixture->groups().listGroups();
    QVERIFY(groups);
    QCOMPARE(groups->size(), 1);
    QCOMPARE(groups->first().name, QStringLiteral("default"));
    QCOMPARE(groups->first().routes, QStringList{QStringLiteral("demo")});
    auto keys = m_fixture->keys().listKeys();
    QVERIFY(keys);
    QCOMPARE(keys->size(), 1);
    QCOMPARE(keys->first().name, QStringLiteral("first key"));
    QCOMPARE(m_window->keysPage()->selectedKeyUuid(), keys->first().uuid);
    ui::OneTimeKeyDialog *oneTime = nullptr;
    QTRY_VERIFY((oneTime = test::visibleDialog<ui::OneTimeKeyDialog>()));
    const QString shown = findWidget<QLineEdit>(QStringLiteral("keyValueEdit"), oneTime)->text();
    QVERIFY(!shown.isEmpty());
    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("copyKeyButton")),
                      Qt::LeftButton);
    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!test::visibleDialog<ui::OneTimeKeyDialog>());

    // Keys exist now, but the panel stays for step 2.
    QVERIFY(panel->isVisible());
    QVERIFY(test->isEnabled());
    QVERIFY(!findWidget<QPushButton>(QStringLiteral("welcomeCreateButton"), panel)->isEnabled());

    // Step 2: a real chat completion through the embedded gateway, with that key.
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->answerText().startsWith(QStringLiteral("Answer from demo:")),
                             60000);
    QCOMPARE(panel->answerText(), QStringLiteral("Answer from demo: Echo: Hello from Portico!"));
    QVERIFY(panel->answered());
    QVERIFY(!panel->answerText().contains(shown));

    // Dismissed: gone, and not back in a new window.
    QTest::mouseClick(findWidget<QToolButton>(QStringLiteral("welcomeDismissButton"), panel),
                      Qt::LeftButton);
    QVERIFY(!panel->isVisible());
    m_window.reset();
    makeWindow(false);
    QVERIFY(!welcome()->isVisible());
}

void TestFirstRun::notShownWhenKeysExist() {
    QVERIFY(!m_fixture->createKey(QStringLiteral("existing")).isEmpty());
    makeWindow(false);
    QVERIFY(!welcome()->isVisible());
}

void TestFirstRun::notShownWhenGroupsExist() {
    QVERIFY(!m_fixture->createGroup(QStringLiteral("team"), {QStringLiteral("demo")}).isEmpty());
    makeWindow(false);
    QVERIFY(!welcome()->isVisible());
}

void TestFirstRun::gatewayStoppedIsExplained() {
    makeWindow(false);
    ui::WelcomePanel *panel = welcome();
    QVERIFY(panel->isVisible());
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("welcomeCreateButton"), panel),
                      Qt::LeftButton);
    ui::OneTimeKeyDialog *oneTime = nullptr;
    QTRY_VERIFY((oneTime = test::visibleDialog<ui::OneTimeKeyDialog>()));
    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("copyKeyButton")),
                      Qt::LeftButton);
    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("welcomeTestButton"), panel),
                      Qt::LeftButton);
    QCOMPARE(panel->answerText(), QStringLiteral("The gateway is not running: start it (Gateway "
                                                 "→ Start Gateway), then try again."));
    // Started, the same button gets the answer.
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 30000);
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("welcomeTestButton"), panel),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(panel->answerText().startsWith(QStringLiteral("Answer from demo:")),
                             60000);
}

void TestFirstRun::dismissedStaysDismissed() {
    makeWindow(false);
    QVERIFY(welcome()->isVisible());
    QTest::mouseClick(findWidget<QToolButton>(QStringLiteral("welcomeDismissButton"), welcome()),
                      Qt::LeftButton);
    QVERIFY(!welcome()->isVisible());
    // The store is still empty; the Keys page's own empty state remains.
    m_window.reset();
    makeWindow(false);
    QVERIFY(!welcome()->isVisible());
    QVERIFY(m_fixture->groups().listGroups()->isEmpty());
}

QTEST_MAIN(TestFirstRun)
#include "test_firstrun.moc"
