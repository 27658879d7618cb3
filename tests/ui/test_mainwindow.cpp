// The main window with the embedded gateway: navigation, settings, shortcuts, the gateway's
// status (and a taken port), a window that stays responsive while the gateway serves a burst, and
// the one-time display's curl example working as pasted.
#include "gatewaywindow.h"
#include "testsupport.h"

#include "embeddedgateway.h"
#include "store/apikeyformat.h"
#include "ui/keys/createkeydialog.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keyspage.h"
#include "ui/keys/keystablemodel.h"
#include "ui/keys/onetimekeydialog.h"
#include "ui/mainwindow.h"
#include "ui/messagebox.h"

#include <QAtomicInt>
#include <QClipboard>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QThread>
#include <QTimer>

using namespace portico;
using test::findWidget;
using ui::MessageBox;

namespace {

// Sends `count` GET requests from its own thread and counts the 200 answers.
class BurstClient : public QObject {
    Q_OBJECT
public:
    BurstClient(QUrl url, int count)
        : m_url(std::move(url))
        , m_count(count) {}

    void run() {
        m_manager = new QNetworkAccessManager(this);
        for (int i = 0; i < m_count; ++i) {
            QNetworkReply *reply = m_manager->get(QNetworkRequest(m_url));
            connect(reply, &QNetworkReply::finished, this, [this, reply] {
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200)
                    ok.fetchAndAddRelaxed(1);
                reply->deleteLater();
                if (finished.fetchAndAddRelaxed(1) + 1 == m_count)
                    done.storeRelease(1);
            });
        }
    }

    QAtomicInt ok;
    QAtomicInt finished;
    QAtomicInt done;

private:
    QUrl m_url;
    int m_count;
    QNetworkAccessManager *m_manager = nullptr;
};

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void navigationAndSettings();
    void keyboardShortcuts();
    void gatewayStatusAndStop();
    void portTakenOffersAnother();
    void windowResponsiveDuringBurst();
    void curlExampleWorksAsPasted();

private:
    void makeWindow(quint16 port);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::unique_ptr<app::EmbeddedGateway> m_gateway;
    std::unique_ptr<ui::MainWindow> m_window;
};

void TestMainWindow::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-test"));
}

void TestMainWindow::init() {
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestMainWindow::cleanup() {
    m_window.reset();
    m_gateway.reset();
    m_fixture.reset();
}

void TestMainWindow::makeWindow(quint16 port) {
    test::makeGatewayWindow(*m_fixture, port, m_gateway, m_window);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestMainWindow::navigationAndSettings() {
    QSettings().clear();
    makeWindow(test::freePort());
    auto *navigation = findWidget<QListWidget>(QStringLiteral("navigation"), m_window.get());
    QVERIFY(navigation);
    QStringList items;
    for (int i = 0; i < navigation->count(); ++i)
        items.append(navigation->item(i)->text());
    QCOMPARE(items, (QStringList{QStringLiteral("Keys"), QStringLiteral("Groups"),
                                 QStringLiteral("Routes"), QStringLiteral("Dashboard"),
                                 QStringLiteral("Usage"), QStringLiteral("Logs"),
                                 QStringLiteral("Audit")}));
    QCOMPARE(m_window->currentPage(), int(ui::MainWindow::KeysPageIndex));
    QCOMPARE(
        m_window->statusBar()->findChild<QLabel *>(QStringLiteral("gatewayStatusLabel"))->text(),
        QStringLiteral("Gateway stopped"));

    // Keyboard: Alt+3 shows Routes.
    QTest::keyClick(m_window.get(), Qt::Key_3, Qt::AltModifier);
    QCOMPARE(m_window->currentPage(), int(ui::MainWindow::RoutesPageIndex));
    m_window->resize(1100, 700);
    m_window->close();
    m_window.reset();

    makeWindow(test::freePort());
    QCOMPARE(m_window->currentPage(), int(ui::MainWindow::RoutesPageIndex));
    QCOMPARE(m_window->size(), QSize(1100, 700));
    QSettings().clear();
}

void TestMainWindow::keyboardShortcuts() {
    const QString key = m_fixture->createKey(QStringLiteral("shortcut key"));
    makeWindow(test::freePort());
    ui::KeysPage *page = m_window->keysPage();

    // Ctrl+N: the create dialog; Esc closes it.
    QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
    auto *create = page->findChild<ui::CreateKeyDialog *>();
    QVERIFY(create && create->isVisible());
    QTest::keyClick(create, Qt::Key_Escape);
    QTRY_VERIFY(!page->findChild<ui::CreateKeyDialog *>());
    // The offscreen platform has no window manager to hand activation back.
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));

    // Ctrl+F: the search field.
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    auto *search = findWidget<QLineEdit>(QStringLiteral("keySearchEdit"), page);
    QTRY_VERIFY(search->hasFocus());
    // Enter moves to the results.
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY(page->table()->hasFocus());
    QCOMPARE(page->selectedKeyUuid(), key);

    // Ctrl+C in the table copies the UUID, not a secret.
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(page->table(), Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QGuiApplication::clipboard()->text(), key);

    // F2 renames in place.
    QTest::keyClick(page->table(), Qt::Key_F2);
    auto *edit = findWidget<QLineEdit>(QStringLiteral("renameEdit"), page);
    QTRY_VERIFY(edit->hasFocus());
    QTest::keyClick(edit, Qt::Key_Escape);

    // Del asks first.
    page->table()->setFocus();
    QTRY_VERIFY(page->table()->hasFocus());
    MessageBox::setNextAnswer(QMessageBox::Cancel);
    const int asked = MessageBox::askedCount();
    QTest::keyClick(page->table(), Qt::Key_Delete);
    QCOMPARE(MessageBox::askedCount(), asked + 1);
    QVERIFY(m_fixture->keys().key(key).ok());
    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::keyClick(page->table(), Qt::Key_Delete);
    QVERIFY(!m_fixture->keys().key(key).ok());
    QGuiApplication::clipboard()->clear();
}

void TestMainWindow::gatewayStatusAndStop() {
    const quint16 port = test::freePort();
    makeWindow(port);
    auto *status = m_window->statusBar()->findChild<QLabel *>(QStringLiteral("gatewayStatusLabel"));
    m_gateway->start();
    const QString listening = QStringLiteral("Gateway listening on http://127.0.0.1:%1").arg(port);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), listening, 10000);
    QCOMPARE(m_gateway->baseUrl(), QStringLiteral("http://127.0.0.1:%1").arg(port));

    auto *stop = m_window->findChild<QAction *>(QStringLiteral("stopGatewayAction"));
    QVERIFY(stop && stop->isEnabled());
    stop->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), QStringLiteral("Gateway stopped"), 10000);
    QVERIFY(m_gateway->baseUrl().isEmpty());
    auto *start = m_window->findChild<QAction *>(QStringLiteral("startGatewayAction"));
    QVERIFY(start->isEnabled());
    start->trigger();
    QVERIFY(!start->isEnabled()); // no double start while the gateway's thread works
    QTRY_COMPARE_WITH_TIMEOUT(status->text(), listening, 10000);
}

void TestMainWindow::portTakenOffersAnother() {
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    makeWindow(squatter.serverPort());
    auto *status = m_window->statusBar()->findChild<QLabel *>(QStringLiteral("gatewayStatusLabel"));
    auto *choose =
        m_window->statusBar()->findChild<QPushButton *>(QStringLiteral("choosePortButton"));
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Gateway not running")),
                             10000);
    QVERIFY(status->text().contains(QString::number(squatter.serverPort())));
    QVERIFY(choose->isVisible());
    QVERIFY(!m_gateway->isListening());

    // Cancelling the port question changes nothing.
    MessageBox::setNextInteger(std::nullopt);
    QTest::mouseClick(choose, Qt::LeftButton);
    // Proving that the gateway does not start needs time to pass, not a condition to wait for.
    QTest::qWait(100);
    QVERIFY(!m_gateway->isListening());

    const quint16 port = test::freePort();
    MessageBox::setNextInteger(port);
    QTest::mouseClick(choose, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(status->text(),
                              QStringLiteral("Gateway listening on http://127.0.0.1:%1").arg(port),
                              10000);
    QVERIFY(!choose->isVisible());
}

void TestMainWindow::windowResponsiveDuringBurst() {
    const quint16 port = test::freePort();
    makeWindow(port);
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 10000);

    int ticks = 0;
    QTimer heartbeat;
    heartbeat.setInterval(10);
    connect(&heartbeat, &QTimer::timeout, this, [&ticks] { ++ticks; });
    heartbeat.start();

    constexpr int kRequests = 200;
    QThread clientThread;
    BurstClient client(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(port)), kRequests);
    client.moveToThread(&clientThread);
    clientThread.start();

    // The burst runs while a modal box is open in the window (a nested event loop): neither
    // stalls the other.
    bool servedDuringModal = false;
    QTimer closer;
    closer.setInterval(20);
    connect(&closer, &QTimer::timeout, this, [&] {
        if (client.done.loadAcquire() && QApplication::activeModalWidget()) {
            servedDuringModal = true;
            QApplication::activeModalWidget()->close();
        }
    });
    QTimer::singleShot(0, this, [&] {
        closer.start();
        QMetaObject::invokeMethod(&client, [&client] { client.run(); });
        MessageBox::information(m_window.get(), QStringLiteral("Modal"),
                                QStringLiteral("A modal box while the gateway serves."));
    });
    QTRY_VERIFY_WITH_TIMEOUT(client.done.loadAcquire() == 1, 120000);
    QTRY_VERIFY_WITH_TIMEOUT(servedDuringModal, 10000);
    QCOMPARE(client.ok.loadAcquire(), kRequests);
    // Generous: the GUI thread's timer kept firing while the requests were being served.
    QVERIFY2(ticks > 5, qPrintable(QStringLiteral("heartbeat ticks: %1").arg(ticks)));

    clientThread.quit();
    clientThread.wait();
}

void TestMainWindow::curlExampleWorksAsPasted() {
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QSKIP("curl is not installed");
    m_fixture->createGroup(QStringLiteral("demo users"), {QStringLiteral("demo")});
    const quint16 port = test::freePort();
    makeWindow(port);
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 10000);
    ui::KeysPage *page = m_window->keysPage();

    page->newKeyAction()->trigger();
    auto *create = page->findChild<ui::CreateKeyDialog *>();
    QVERIFY(create);
    QTest::keyClicks(create->findChild<QLineEdit *>(QStringLiteral("keyNameEdit")),
                     QStringLiteral("curl user"));
    auto *groups = create->findChild<QListWidget *>(QStringLiteral("keyGroupsList"));
    groups->findItems(QStringLiteral("demo users"), Qt::MatchExactly)
        .first()
        ->setCheckState(Qt::Checked);
    QTest::mouseClick(create->findChild<QPushButton *>(QStringLiteral("createButton")),
                      Qt::LeftButton);
    auto *oneTime = page->findChild<ui::OneTimeKeyDialog *>();
    QVERIFY(oneTime);
    const QString example =
        oneTime->findChild<QPlainTextEdit *>(QStringLiteral("curlExample"))->toPlainText();
    QVERIFY(example.contains(QStringLiteral("http://127.0.0.1:%1/").arg(port)));

    // Run exactly as shown, as if pasted into a terminal.
    QProcess pasted;
    pasted.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), example});
    QVERIFY(pasted.waitForFinished(30000));
    QCOMPARE(pasted.exitCode(), 0);
    const QByteArray answer = pasted.readAllStandardOutput();
    QVERIFY2(answer.contains("\"choices\""), answer.left(400).constData());
    QVERIFY(!answer.contains("\"error\""));

    QTest::mouseClick(oneTime->findChild<QPushButton *>(QStringLiteral("copyKeyButton")),
                      Qt::LeftButton);
    oneTime->accept();
    QGuiApplication::clipboard()->clear();
}

QTEST_MAIN(TestMainWindow)
#include "test_mainwindow.moc"
