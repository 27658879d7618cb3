// The window's banner while the store cannot be written (issue 13, item 2): one notice above the
// pages, from ui::StoreWatcher, instead of an error on every page; it goes by itself once the
// store takes writes again, with no restart and without anyone writing. The store refuses writes
// through its diagnostic knob PORTICO_TEST_STORE_FAULT (SQLite's query_only, see
// gateway/store/database.cpp); tests/proxy/test_diskfault also fills a real file system.
#include "testsupport.h"

#include "ui/mainwindow.h"

#include <QLabel>

using namespace portico;

class TestStoreBanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bannerWhileTheStoreCannotBeWritten();

private:
    void setFault(const QByteArray &fault) {
        QFile knob(m_knob);
        QVERIFY(knob.open(QIODevice::WriteOnly | QIODevice::Truncate));
        knob.write(fault);
    }

    QTemporaryDir m_dir;
    QString m_knob;
    test::UiFixture m_fixture;
};

void TestStoreBanner::initTestCase() {
    QVERIFY(m_dir.isValid());
    test::isolateSettings(m_dir);
    // Read on the first write of the process: set before the store is opened.
    m_knob = m_dir.filePath(QStringLiteral("store-fault"));
    qputenv("PORTICO_TEST_STORE_FAULT", m_knob.toLocal8Bit());
    QVERIFY(m_fixture.open());
    QVERIFY(!m_fixture.createKey(QStringLiteral("before")).isEmpty());
}

void TestStoreBanner::bannerWhileTheStoreCannotBeWritten() {
    ui::MainWindow window(m_fixture.context);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *banner = window.findChild<QLabel *>(QStringLiteral("storeBanner"));
    QVERIFY(banner);
    QVERIFY(!banner->isVisible());
    QCOMPARE(window.storeBannerText(), QString());

    setFault("read-only");
    // A change made now fails (the page that made it says so, as the command line does) ...
    QVERIFY(!m_fixture.keys().createKey(QStringLiteral("refused")));
    // ... and the window says once, above every page, that the store cannot be written.
    QTRY_VERIFY_WITH_TIMEOUT(window.storeBannerText().contains(QStringLiteral("cannot be written")),
                             5000);
    QVERIFY2(window.storeBannerText().contains(QStringLiteral("read-only")),
             qPrintable(window.storeBannerText()));
    QVERIFY(banner->isVisible());
    // Reading still works: every page shows its data and no page pops an error of its own.
    for (int page = 0; page <= ui::MainWindow::AuditPageIndex; ++page) {
        window.setCurrentPage(page);
        QTest::qWait(200);
        QVERIFY2(!QApplication::activeModalWidget(), qPrintable(QString::number(page)));
        QVERIFY(banner->isVisible());
    }
    window.setCurrentPage(ui::MainWindow::KeysPageIndex);

    // Room again: the banner goes by itself (the watcher tries a write now and then) ...
    setFault("");
    QTRY_COMPARE_WITH_TIMEOUT(window.storeBannerText(), QString(), 10000);
    QVERIFY(!banner->isVisible());
    // ... and changes are saved again.
    QVERIFY(m_fixture.keys().createKey(QStringLiteral("accepted")));
}

QTEST_MAIN(TestStoreBanner)
#include "test_storebanner.moc"
